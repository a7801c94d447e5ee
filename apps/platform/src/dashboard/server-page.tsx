/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { type Account, AccountSection, loadAccount } from "./account-section.js";
import { ApiFailure } from "./api.js";
import { ClientSnippets } from "./client-snippets.js";
import { authLabels, Badge, kindLabels } from "./components/index.js";
import { RemoveServerSection } from "./remove-page.js";
import { formOf, type PageContext, signedIn } from "./respond.js";
import {
  apiServerPath,
  loadServer,
  processCount,
  sendServerPage,
  serverPath,
} from "./server-common.js";
import { type ServerListItem, type Tool, toolList } from "./shapes.js";

type Tools = { tools: Tool[] } | { unavailable: string };

async function loadTools(context: PageContext, server: ServerListItem): Promise<Tools> {
  try {
    return await context.api.json(toolList, "GET", `${apiServerPath(server.name)}/tools`);
  } catch (error) {
    // A server that is not running cannot say what it offers: the page says so and goes on.
    if (error instanceof ApiFailure && error.status === 503) return { unavailable: error.message };
    throw error;
  }
}

function ToolsSection({ tools }: { tools: Tools }) {
  return (
    <section aria-labelledby="tools-heading">
      <h2 id="tools-heading">Tools</h2>
      {"unavailable" in tools ? (
        <p class="muted">The tools are listed while the server runs ({tools.unavailable}).</p>
      ) : tools.tools.length === 0 ? (
        <p>This server offers no tools.</p>
      ) : (
        <dl class="tools">
          {tools.tools.map((tool) => (
            <>
              <dt>
                <code>{tool.name}</code>
                {tool.title ? ` — ${tool.title}` : ""}
              </dt>
              <dd>{tool.description ?? ""}</dd>
            </>
          ))}
        </dl>
      )}
    </section>
  );
}

async function overview(
  context: PageContext,
  name: string,
  credentialProblem?: ApiFailure,
): Promise<Response> {
  const { api, me } = context;
  const server = await loadServer(api, name);
  const [tools, account]: [Tools, Account] = await Promise.all([
    loadTools(context, server),
    loadAccount(api, server),
  ]);
  const content = (
    <>
      {server.description ? <p>{server.description}</p> : null}
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Badge status={server.status} />
        </dd>
        <dt>Kind</dt>
        <dd>
          {kindLabels[server.kind]}
          {server.processes === null ? "" : ` · ${processCount(server.processes)}`}
        </dd>
        <dt>Authentication</dt>
        <dd>{authLabels[server.authType]}</dd>
        <dt>MCP URL</dt>
        <dd>
          <code>{server.mcpUrl}</code>
        </dd>
      </dl>
      <AccountSection
        server={server}
        account={account}
        csrf={me.csrfToken}
        credentialProblem={credentialProblem}
      />
      <ToolsSection tools={tools} />
      <section aria-labelledby="client-heading">
        <h2 id="client-heading">Connect your MCP client</h2>
        <p>
          Use one of <a href="/keys">your API keys</a> in place of <code>gsk_…</code>.
        </p>
        <ClientSnippets name={server.name} mcpUrl={server.mcpUrl} />
      </section>
      <RemoveServerSection server={server} />
    </>
  );
  return sendServerPage(context, server, "overview", content, credentialProblem ? 400 : 200);
}

/** The server's page: status, what the user connects, its tools, and how to reach it. */
export function registerServerPage(app: Hono<AppEnv>) {
  app.get(
    "/servers/:name",
    signedIn(app, (context) => overview(context, context.c.req.param("name") ?? "")),
  );

  app.post(
    "/servers/:name/credentials",
    signedIn(app, async (context) => {
      const { c, api } = context;
      const name = c.req.param("name") ?? "";
      const form = await formOf(c);
      // A secret left empty keeps what is stored (the page cannot hold it); a plain field is sent
      // as shown. The API names a required field that is still missing.
      const values: Record<string, string> = {};
      for (const [key, value] of Object.entries(form)) {
        const [, kind, field] = /^(value|secret):(.+)$/.exec(key) ?? [];
        if (field && (kind === "value" || value.trim() !== "")) values[field] = value.trim();
      }
      try {
        await api.write("PUT", `${apiServerPath(name)}/credentials`, {
          body: { values },
          csrf: form.csrf ?? "",
        });
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 400)
          return overview(context, name, error);
        throw error;
      }
      return c.redirect(`${serverPath(name)}?notice=credentials-saved`, 303);
    }),
  );

  app.post(
    "/servers/:name/credentials/delete",
    signedIn(app, async ({ c, api }) => {
      const name = c.req.param("name") ?? "";
      const form = await formOf(c);
      await api.write("DELETE", `${apiServerPath(name)}/credentials`, { csrf: form.csrf ?? "" });
      return c.redirect(`${serverPath(name)}?notice=credentials-deleted`, 303);
    }),
  );

  app.post(
    "/servers/:name/connections/:connection/disconnect",
    signedIn(app, async ({ c, api }) => {
      const name = c.req.param("name") ?? "";
      const connection = c.req.param("connection") ?? "";
      const form = await formOf(c);
      await api.write(
        "DELETE",
        `${apiServerPath(name)}/connections/${encodeURIComponent(connection)}`,
        { csrf: form.csrf ?? "" },
      );
      return c.redirect(`${serverPath(name)}?notice=disconnected`, 303);
    }),
  );
}
