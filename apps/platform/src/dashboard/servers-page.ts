import type { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../env.js";
import { authLabels, badge } from "./html.js";
import { layout } from "./layout.js";
import { sendPage, signedIn } from "./respond.js";
import { listServers, serverPath } from "./server-common.js";

/** GET /: every server this platform hosts, with what each needs from the user. */
export function registerServersPage(app: Hono<AppEnv>) {
  app.get(
    "/",
    signedIn(app, async ({ c, api, me }) => {
      const servers = await listServers(api);
      return sendPage(
        c,
        layout(
          { title: "Servers", me, section: "servers", notice: c.req.query("notice") },
          servers.length === 0
            ? html`<p>No servers are registered yet.${me.user.isAdmin ? " Register one with POST /api/servers or the gumstack CLI." : ""}</p>`
            : html`<ul class="cards">${servers.map(
                (server) => html`<li class="card">
<h2><a href="${serverPath(server.name)}">${server.name}</a></h2>
${server.description ? html`<p>${server.description}</p>` : ""}
<p>${badge(server.status)}${server.redeployPending && server.owned ? html` ${badge("redeploy_pending")}` : ""}</p>
<p class="muted">${authLabels[server.authType]}${server.owned ? " · yours" : ""}</p>
</li>`,
              )}</ul>`,
        ),
      );
    }),
  );
}
