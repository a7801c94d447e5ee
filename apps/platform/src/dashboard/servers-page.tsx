/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { authLabels, Badge, Layout } from "./components/index.js";
import { sendPage, signedIn } from "./respond.js";
import { listServers, serverPath } from "./server-common.js";
import type { Me, ServerListItem } from "./shapes.js";

function ServerCard({ server }: { server: ServerListItem }) {
  return (
    <li class="card">
      <h2>
        <a href={serverPath(server.name)}>{server.name}</a>
      </h2>
      {server.description ? <p>{server.description}</p> : null}
      <p>
        <Badge status={server.status} />
        {server.redeployPending && server.owned ? (
          <>
            {" "}
            <Badge status="redeploy_pending" />
          </>
        ) : null}
      </p>
      <p class="muted">
        {authLabels[server.authType]}
        {server.owned ? " · yours" : ""}
      </p>
    </li>
  );
}

function ServerCards({ me, servers }: { me: Me; servers: ServerListItem[] }) {
  if (servers.length === 0)
    return (
      <p>
        No servers are registered yet.
        {me.user.isAdmin ? " Register one with POST /api/servers or the gumstack CLI." : ""}
      </p>
    );
  return (
    <ul class="cards">
      {servers.map((server) => (
        <ServerCard server={server} />
      ))}
    </ul>
  );
}

/** GET /: every server this platform hosts, with what each needs from the user. */
export function registerServersPage(app: Hono<AppEnv>) {
  app.get(
    "/",
    signedIn(app, async ({ c, api, me }) => {
      const servers = await listServers(api);
      return sendPage(
        c,
        <Layout title="Servers" me={me} section="servers" notice={c.req.query("notice")}>
          <ServerCards me={me} servers={servers} />
        </Layout>,
      );
    }),
  );
}
