/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { CsrfField, ErrorBanner, Layout } from "./components/index.js";
import { formOf, type PageContext, sendPage, signedIn } from "./respond.js";
import { apiServerPath, loadServer, requireOwner, serverPath } from "./server-common.js";
import type { ServerListItem } from "./shapes.js";

const removePath = (name: string) => `${serverPath(name)}/remove`;

/** On the owner's overview: the way to the confirmation page, never the removal itself. */
export function RemoveServerSection({ server }: { server: ServerListItem }) {
  if (!server.owned) return null;
  return (
    <section aria-labelledby="remove-heading">
      <h2 id="remove-heading">Remove this server</h2>
      <p>Stops its processes and deletes it, with everything users saved for it.</p>
      <a class="button danger" href={removePath(server.name)}>
        Remove server
      </a>
    </section>
  );
}

/** The typed name must be the server's own: a slip of the mouse removes nothing. */
const confirmed = (typed: string | undefined, name: string) => (typed ?? "").trim() === name;

async function confirmationPage(context: PageContext, name: string, problem?: string) {
  const { c, api, me } = context;
  const server = await loadServer(api, name);
  requireOwner(server);
  return sendPage(
    c,
    <Layout title={`Remove ${server.name}`} me={me} section="servers">
      <p>
        Removing <strong>{server.name}</strong> stops its processes (calls in flight finish) and
        deletes it with its environment variables, deployments and logs, activity, users' saved
        values and connected accounts, and MCP clients' grants. It cannot be undone; registering the
        same path again makes a new, empty server.
      </p>
      <ErrorBanner id="remove-problem" message={problem} />
      <form method="post" action={removePath(server.name)} class="stack">
        <CsrfField token={me.csrfToken} />
        <label for="remove-name">Type the server's name, {server.name}, to confirm</label>
        <input
          id="remove-name"
          name="name"
          type="text"
          required
          autocomplete="off"
          spellcheck={false}
          aria-describedby={problem ? "remove-problem" : undefined}
          aria-invalid={problem ? "true" : undefined}
        />
        <button type="submit" class="danger">
          Remove server
        </button>
      </form>
      <p>
        <a href={serverPath(server.name)}>Keep it: back to {server.name}</a>
      </p>
    </Layout>,
    problem ? 400 : 200,
  );
}

/** Removing a server (DELETE /api/servers/:server), its owner's, behind a typed confirmation. */
export function registerRemovePage(app: Hono<AppEnv>) {
  app.get(
    "/servers/:name/remove",
    signedIn(app, (context) => confirmationPage(context, context.c.req.param("name") ?? "")),
  );

  app.post(
    "/servers/:name/remove",
    signedIn(app, async (context) => {
      const { c, api } = context;
      const name = c.req.param("name") ?? "";
      const form = await formOf(c);
      if (!confirmed(form.name, name))
        return confirmationPage(context, name, `name: type ${name} exactly to remove it`);
      await api.write("DELETE", apiServerPath(name), { csrf: form.csrf ?? "" });
      return c.redirect("/?notice=server-removed", 303);
    }),
  );
}
