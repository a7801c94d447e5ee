/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { JSX } from "hono/jsx/jsx-runtime";
import { type Api, ApiFailure } from "./api.js";
import { CsrfField, Layout } from "./components/index.js";
import { type PageContext, sendPage } from "./respond.js";
import { type Me, type ServerListItem, serverList, serverListItem } from "./shapes.js";

export const serverPath = (name: string) => `/servers/${encodeURIComponent(name)}`;
export const apiServerPath = (name: string) => `/api/servers/${encodeURIComponent(name)}`;

export async function listServers(api: Api): Promise<ServerListItem[]> {
  return (await api.json(serverList, "GET", "/api/servers")).servers;
}

/** One server as the list shows it to this user; a 404 page when there is none by that name. */
export async function loadServer(api: Api, name: string): Promise<ServerListItem> {
  try {
    return await api.json(serverListItem, "GET", apiServerPath(name));
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404)
      throw new ApiFailure(404, "not_found", `There is no server named ${name}.`);
    throw error;
  }
}

/** Management pages are the owner's: for anyone else they do not exist (as in the API). */
export function requireOwner(server: ServerListItem): void {
  if (!server.owned)
    throw new ApiFailure(404, "not_found", `There is no server named ${server.name} of yours.`);
}

/** A proxied server that runs one process per caller: the only kind with a Processes page. */
export const isPerUser = (server: ServerListItem) => server.status === "per_user";

/** A per-user server's processes as the list and the overview count them. */
export const processCount = (count: number) =>
  count === 1 ? "1 process running" : `${count} processes running`;

type Tab = "overview" | "env" | "config" | "deployments" | "processes" | "activity";

interface TabInfo {
  label: string;
  path: string;
  /** Whether this server's page has the tab for this user. */
  shown: (server: ServerListItem, me: Me) => boolean;
  banner: boolean;
}

const everyone = () => true;
const owner = (server: ServerListItem) => server.owned;

/** A server's pages: the overview for everyone, the rest for its owner. */
const tabs: Record<Tab, TabInfo> = {
  overview: { label: "Overview", path: "", shown: everyone, banner: true },
  env: { label: "Environment", path: "/env", shown: owner, banner: true },
  // A proxied server's file, edited by an admin (what it says runs on this machine).
  config: {
    label: "Configuration",
    path: "/config",
    shown: (server, me) => server.owned && me.user.isAdmin && server.kind !== "hosted",
    banner: true,
  },
  deployments: { label: "Deployments", path: "/deployments", shown: owner, banner: true },
  processes: {
    label: "Processes",
    path: "/processes",
    shown: (server) => server.owned && isPerUser(server),
    banner: false,
  },
  activity: { label: "Activity", path: "/activity", shown: owner, banner: false },
};
const tabOrder: Tab[] = ["overview", "env", "config", "deployments", "processes", "activity"];

export function ServerTabs({
  server,
  me,
  current,
}: {
  server: ServerListItem;
  me: Me;
  current: Tab;
}) {
  const base = serverPath(server.name);
  const shown = tabOrder.filter((tab) => tabs[tab].shown(server, me));
  return (
    <nav class="tabs" aria-label={server.name}>
      <ul>
        {shown.map((tab) => (
          <li>
            <a
              href={`${base}${tabs[tab].path}`}
              aria-current={tab === current ? "page" : undefined}
            >
              {tabs[tab].label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Shown to the owner while variables changed since the running deployment started. */
function RedeployBanner({
  server,
  csrf,
  back,
}: {
  server: ServerListItem;
  csrf: string;
  back: string;
}) {
  if (!server.owned || !server.redeployPending) return null;
  return (
    <section class="banner" aria-label="Redeploy pending">
      <p>
        <strong>Redeploy pending:</strong> the environment changed since the running deployment
        started.
      </p>
      <form method="post" action={`${serverPath(server.name)}/deploy`} class="inline">
        <CsrfField token={csrf} />
        <input type="hidden" name="back" value={back} />
        <button type="submit">Redeploy now</button>
      </form>
    </section>
  );
}

/**
 * Sends one of a server's pages: its tabs, the redeploy banner (on the pages that show it), then
 * `content`, in the layout, titled after the server and the page.
 */
export function sendServerPage(
  { c, me }: PageContext,
  server: ServerListItem,
  tab: Tab,
  content: JSX.Element,
  status: 200 | 400 = 200,
): ReturnType<typeof sendPage> {
  const { label, path, banner } = tabs[tab];
  const here = `${serverPath(server.name)}${path}`;
  const title = tab === "overview" ? server.name : `${server.name}: ${label.toLowerCase()}`;
  return sendPage(
    c,
    <Layout title={title} me={me} section="servers" notice={c.req.query("notice")}>
      <ServerTabs server={server} me={me} current={tab} />
      {banner ? <RedeployBanner server={server} csrf={me.csrfToken} back={here} /> : null}
      {content}
    </Layout>,
    status,
  );
}
