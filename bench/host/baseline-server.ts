// The baseline: the MCP SDK's documented stateless pattern on Hono (its
// examples/server/honoWebStandardStreamableHttp): a new McpServer and transport for every
// request, no authentication, nothing stored. /mcp answers JSON, /mcp/sse an SSE stream.
import { serve } from "@hono/node-server";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { type Context, Hono } from "hono";
import { announce, exitWithParent } from "./child.js";
import { registerEcho } from "./echo-tool.js";

const app = new Hono();
const statelessSdk = (json: boolean) => async (c: Context) => {
  const server = new McpServer({ name: "bench", version: "1.0.0" });
  registerEcho(server);
  // No sessionIdGenerator is the SDK's `sessionIdGenerator: undefined` (stateless), spelled so
  // under exactOptionalPropertyTypes.
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: json });
  await server.connect(transport);
  return transport.handleRequest(c.req.raw);
};
app.all("/mcp", statelessSdk(true));
app.all("/mcp/sse", statelessSdk(false));

const listener = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) =>
  announce({ url: `http://127.0.0.1:${info.port}/mcp`, headers: {}, driver: null }),
);
exitWithParent(() => new Promise((resolve) => listener.close(() => resolve())));
