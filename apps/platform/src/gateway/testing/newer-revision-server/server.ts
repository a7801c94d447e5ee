// A hosted server of the gateway's tests (gateway/newer-revision.integration.test.ts) written
// with the SDK's v2 packages, which speak the 2026-07-28 revision: no sessions, every request
// carrying its revision in `_meta` and its method and name in `Mcp-Method` and `Mcp-Name`
// headers (the server refuses a request whose headers and body disagree), `server/discover`
// instead of `initialize`, and `subscriptions/listen` streams for what the server announces. A
// 2025 client is served statelessly by the same handler (the SDK's legacy fallback). It stands
// for any server of that revision behind the gateway, so it is not a GumstackHost and checks no
// context: the tests are about what the hop passes on. Its tools:
//   count { n }   `n` progress notifications (when asked for with a progress token), then
//                 "counted <n>"
//   seen          what its request arrived with: the revision (`_meta` and the header), its
//                 `Mcp-*` headers, and whether the caller's Authorization or Cookie reached it
//   announce      tells every open `subscriptions/listen` stream that the tool list changed
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import {
  createMcpHandler,
  McpServer,
  PROTOCOL_VERSION_META_KEY,
} from "@modelcontextprotocol/server";
import { z } from "zod";

const MAX_COUNT = 100;

const handler = createMcpHandler(() => {
  const mcp = new McpServer(
    { name: "newer-revision", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true } } },
  );
  mcp.registerTool(
    "count",
    {
      description: "counts, with progress",
      inputSchema: z.object({ n: z.number().int().min(1).max(MAX_COUNT) }),
    },
    async ({ n }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let progress = 1; progress <= n && progressToken !== undefined; progress++) {
        await ctx.mcpReq.notify({
          method: "notifications/progress",
          params: { progressToken, progress, total: n },
        });
      }
      return { content: [{ type: "text", text: `counted ${n}` }] };
    },
  );
  mcp.registerTool("seen", { description: "what the request arrived with" }, async (ctx) => {
    const headers = ctx.http?.req?.headers;
    const mcpHeaders: Record<string, string> = {};
    for (const [name, value] of headers ?? [])
      if (name.startsWith("mcp-")) mcpHeaders[name] = value;
    const seen = {
      // The envelope's keys, lifted out of `_meta` by the SDK.
      revision:
        (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[PROTOCOL_VERSION_META_KEY] ??
        null,
      headers: mcpHeaders,
      authorization: headers?.has("authorization") ?? false,
      cookie: headers?.has("cookie") ?? false,
    };
    return { content: [{ type: "text", text: JSON.stringify(seen) }] };
  });
  mcp.registerTool("announce", { description: "the tool list changed" }, async () => {
    handler.notify.toolsChanged();
    return { content: [{ type: "text", text: "announced" }] };
  });
  return mcp;
});

const listener = getRequestListener((request) => {
  const { pathname } = new URL(request.url);
  if (pathname === "/healthz") return new Response("ok");
  if (pathname === "/mcp") return handler.fetch(request);
  return new Response("not found", { status: 404 });
});
const server = createServer(listener);
server.listen(Number(process.env.GUMSTACK_PORT), process.env.GUMSTACK_HOST ?? "127.0.0.1");
const stop = () => {
  void handler.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
