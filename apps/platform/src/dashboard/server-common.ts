import { html } from "hono/html";
import { type Api, ApiFailure } from "./api.js";
import type { Html } from "./html.js";
import { type ServerListItem, serverList } from "./shapes.js";

export const serverPath = (name: string) => `/servers/${encodeURIComponent(name)}`;
export const apiServerPath = (name: string) => `/api/servers/${encodeURIComponent(name)}`;

export async function listServers(api: Api): Promise<ServerListItem[]> {
  return (await api.json(serverList, "GET", "/api/servers")).servers;
}

/** One server as the list shows it to this user; a 404 page when there is none by that name. */
export async function loadServer(api: Api, name: string): Promise<ServerListItem> {
  const server = (await listServers(api)).find((s) => s.name === name);
  if (!server) throw new ApiFailure(404, "not_found", `There is no server named ${name}.`);
  return server;
}

/** Management pages are the owner's: for anyone else they do not exist (as in the API). */
export function requireOwner(server: ServerListItem): void {
  if (!server.owned)
    throw new ApiFailure(404, "not_found", `There is no server named ${server.name} of yours.`);
}

type Tab = "overview" | "env" | "deployments" | "activity";

export function serverTabs(server: ServerListItem, current: Tab): Html {
  const base = serverPath(server.name);
  const tabs: Array<[Tab, string, string]> = [["overview", "Overview", base]];
  if (server.owned) {
    tabs.push(
      ["env", "Environment", `${base}/env`],
      ["deployments", "Deployments", `${base}/deployments`],
      ["activity", "Activity", `${base}/activity`],
    );
  }
  return html`<nav class="tabs" aria-label="${server.name}"><ul>${tabs.map(
    ([tab, label, href]) =>
      html`<li><a href="${href}"${tab === current ? html` aria-current="page"` : ""}>${label}</a></li>`,
  )}</ul></nav>`;
}

/** Shown to the owner while variables changed since the running deployment started. */
export function redeployBanner(server: ServerListItem, csrf: string, back: string): Html | string {
  if (!server.owned || !server.redeployPending) return "";
  return html`<div class="banner" role="region" aria-label="Redeploy pending">
<p><strong>Redeploy pending:</strong> the environment changed since the running deployment started.</p>
<form method="post" action="${serverPath(server.name)}/deploy" class="inline">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="back" value="${back}">
<button type="submit">Redeploy now</button>
</form>
</div>`;
}
