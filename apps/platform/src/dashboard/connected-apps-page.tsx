/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ActionButton, DataTable, Layout, Moment } from "./components/index.js";
import { formOf, sendPage, signedIn } from "./respond.js";
import { type ConnectedApp, connectedAppList } from "./shapes.js";

function AppsTable({ apps, csrf }: { apps: ConnectedApp[]; csrf: string }) {
  if (apps.length === 0)
    return <p>No app has access yet. An MCP client that signs in with Gumstack is listed here.</p>;
  return (
    <DataTable columns={["App", "Server", "Allowed", "Last used", "Actions"]}>
      {apps.map((app) => (
        <tr>
          <th scope="row">
            {app.clientName}
            <br />
            <span class="muted">{app.clientId}</span>
          </th>
          <td>{app.serverName}</td>
          <td>
            <Moment value={app.createdAt} />
          </td>
          <td>
            <Moment value={app.lastUsedAt} />
          </td>
          <td>
            <ActionButton
              action={`/connected-apps/${encodeURIComponent(app.id)}/revoke`}
              label="Revoke"
              csrf={csrf}
              tone="danger"
              accessibleLabel={`Revoke ${app.clientName}'s access to ${app.serverName}`}
            />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The MCP clients the user allowed, per server, with revoke: the grants of GET /api/connected-apps. */
export function registerConnectedAppsPage(app: Hono<AppEnv>) {
  app.get(
    "/connected-apps",
    signedIn(app, async ({ c, api, me }) => {
      const { apps } = await api.json(connectedAppList, "GET", "/api/connected-apps");
      return sendPage(
        c,
        <Layout
          title="Connected apps"
          me={me}
          section="connected-apps"
          notice={c.req.query("notice")}
        >
          <p>
            MCP clients you allowed to use a server as you. Revoking one ends its access and its
            tokens: it must ask you again.
          </p>
          <AppsTable apps={apps} csrf={me.csrfToken} />
        </Layout>,
      );
    }),
  );

  app.post(
    "/connected-apps/:id/revoke",
    signedIn(app, async ({ c, api }) => {
      const form = await formOf(c);
      await api.write(
        "DELETE",
        `/api/connected-apps/${encodeURIComponent(c.req.param("id") ?? "")}`,
        { csrf: form.csrf ?? "" },
      );
      return c.redirect("/connected-apps?notice=app-revoked", 303);
    }),
  );
}
