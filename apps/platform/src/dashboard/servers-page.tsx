/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import { authLabels, Badge, kindLabels, Layout } from "./components/index.js";
import { RegisterSection, type RegisterState } from "./register-form.js";
import { formOf, type PageContext, sendPage, signedIn } from "./respond.js";
import { listServers, processCount, serverPath } from "./server-common.js";
import { type Me, registeredServer, type ServerListItem } from "./shapes.js";

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
        {kindLabels[server.kind]}
        {server.processes === null ? "" : ` · ${processCount(server.processes)}`}
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
        {me.user.isAdmin ? " Register one below, or with the gumstack CLI." : ""}
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

async function serversPage(
  context: PageContext,
  register?: RegisterState,
  status: 200 | 201 | 400 | 409 = 200,
) {
  const { c, api, me } = context;
  const servers = await listServers(api);
  return sendPage(
    c,
    <Layout title="Servers" me={me} section="servers" notice={c.req.query("notice")}>
      <ServerCards me={me} servers={servers} />
      {me.user.isAdmin ? <RegisterSection csrf={me.csrfToken} state={register} /> : null}
    </Layout>,
    status,
  );
}

/**
 * GET /: every server this platform runs, with what each needs from the user; for an admin, the
 * form that registers one (POST /servers, which calls POST /api/servers).
 */
export function registerServersPage(app: Hono<AppEnv>) {
  app.get(
    "/",
    signedIn(app, (context) => serversPage(context)),
  );

  app.post(
    "/servers",
    signedIn(app, async (context) => {
      const form = await formOf(context.c);
      const path = (form.path ?? "").trim();
      try {
        const registered = await context.api.json(registeredServer, "POST", "/api/servers", {
          body: { path },
          csrf: form.csrf ?? "",
        });
        return serversPage(context, { registered }, 201);
      } catch (error) {
        // The API's own words, next to the field ("path: no gumstack.yaml in …", "name: a server
        // named … exists"); a non-admin's 403 is the problem page's.
        if (error instanceof ApiFailure && (error.status === 400 || error.status === 409))
          return serversPage(context, { path, problem: error.message }, error.status);
        throw error;
      }
    }),
  );
}
