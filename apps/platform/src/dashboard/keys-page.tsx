/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import { ClientSnippets } from "./client-snippets.js";
import {
  ActionButton,
  CsrfField,
  DataTable,
  ErrorBanner,
  Layout,
  Moment,
} from "./components/index.js";
import { formOf, type PageContext, sendPage, signedIn } from "./respond.js";
import { listServers } from "./server-common.js";
import { type ApiKey, apiKeyList, createdKey } from "./shapes.js";

interface KeysState {
  /** A key just created: on this one page, once, and nowhere else ever. */
  created?: { name: string; key: string };
  problem?: { name: string; message: string };
}

function KeysTable({ keys, csrf }: { keys: ApiKey[]; csrf: string }) {
  if (keys.length === 0) return <p>You have no API keys yet.</p>;
  return (
    <DataTable columns={["Name", "Key", "Created", "Last used", "Status", "Actions"]}>
      {keys.map((key) => (
        <tr>
          <th scope="row">{key.name}</th>
          <td>
            <code>{key.preview}…</code>
          </td>
          <td>
            <Moment value={key.createdAt} />
          </td>
          <td>
            <Moment value={key.lastUsedAt} />
          </td>
          <td>
            {key.revokedAt ? (
              <>
                Revoked <Moment value={key.revokedAt} />
              </>
            ) : (
              "Active"
            )}
          </td>
          <td>
            {key.revokedAt ? null : (
              <ActionButton
                action={`/keys/${encodeURIComponent(key.id)}/revoke`}
                label="Revoke"
                csrf={csrf}
                tone="danger"
                accessibleLabel={`Revoke ${key.name}`}
              />
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** A key just created: on this one page, once, and nowhere else ever. */
function NewKey({ name, apiKey }: { name: string; apiKey: string }) {
  return (
    <section class="secret-once" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">Your new key "{name}"</h2>
      <p>
        <strong>Copy it now: it is shown once.</strong> Gumstack keeps only a hash of it.
      </p>
      <label for="new-key">API key</label>
      <input
        id="new-key"
        type="text"
        readonly
        value={apiKey}
        data-copy="Copy the new API key"
        spellcheck={false}
      />
    </section>
  );
}

async function keysPage(context: PageContext, state: KeysState = {}) {
  const { c, api, me } = context;
  const [{ keys }, servers] = await Promise.all([
    api.json(apiKeyList, "GET", "/api/keys"),
    listServers(api),
  ]);
  const { created, problem } = state;
  return sendPage(
    c,
    <Layout title="API keys" me={me} section="keys" notice={c.req.query("notice")}>
      {created ? <NewKey name={created.name} apiKey={created.key} /> : null}
      <p>
        MCP clients send an API key as <code>Authorization: Bearer gsk_…</code>; tools then act for
        you.
      </p>
      <h2>Create a key</h2>
      <ErrorBanner id="key-problem" message={problem?.message} />
      <form method="post" action="/keys" class="row">
        <CsrfField token={me.csrfToken} />
        <div>
          <label for="key-name">Name</label>
          <input
            id="key-name"
            name="name"
            type="text"
            required
            maxlength={100}
            placeholder="laptop"
            value={problem?.name ?? ""}
            aria-describedby={problem ? "key-problem" : undefined}
            aria-invalid={problem ? "true" : undefined}
          />
        </div>
        <button type="submit">Create key</button>
      </form>
      <h2>Your keys</h2>
      <KeysTable keys={keys} csrf={me.csrfToken} />
      <h2>Connect your MCP client</h2>
      <p>
        {created
          ? "The snippets below hold your new key: copy what you need before leaving this page."
          : "Replace gsk_… with one of your keys."}
      </p>
      {servers.length === 0 ? (
        <p>No servers are registered yet.</p>
      ) : (
        servers.map((server, index) => (
          <details class="server" open={created !== undefined && index === 0}>
            <summary>{server.name}</summary>
            <ClientSnippets name={server.name} mcpUrl={server.mcpUrl} apiKey={created?.key} />
          </details>
        ))
      )}
    </Layout>,
    problem ? 400 : created ? 201 : 200,
  );
}

/** API keys for MCP clients: create (shown once), list, revoke; and how to use one. */
export function registerKeysPage(app: Hono<AppEnv>) {
  app.get(
    "/keys",
    signedIn(app, (context) => keysPage(context)),
  );

  app.post(
    "/keys",
    signedIn(app, async (context) => {
      const form = await formOf(context.c);
      const name = form.name ?? "";
      try {
        const created = await context.api.json(createdKey, "POST", "/api/keys", {
          body: { name },
          csrf: form.csrf ?? "",
        });
        // Rendered, not redirected: the key must not sit in a URL or in history.
        return await keysPage(context, { created: { name: created.name, key: created.key } });
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 400)
          return keysPage(context, { problem: { name, message: error.message } });
        throw error;
      }
    }),
  );

  app.post(
    "/keys/:id/revoke",
    signedIn(app, async ({ c, api }) => {
      const form = await formOf(c);
      await api.write("DELETE", `/api/keys/${encodeURIComponent(c.req.param("id") ?? "")}`, {
        csrf: form.csrf ?? "",
      });
      return c.redirect("/keys?notice=key-revoked", 303);
    }),
  );
}
