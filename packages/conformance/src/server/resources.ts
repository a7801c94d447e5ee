import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { RED_PIXEL_PNG } from "./media.js";

/**
 * Static text and binary resources, a template, and subscriptions. Subscriptions are kept per
 * MCP session: one McpServer may serve many sessions (as GumstackHost does), each subscribed to
 * its own set. They stay until unsubscribed (the SDK tells a server nothing of ended sessions):
 * enough for a test server whose clients each unsubscribe or end with the test.
 */
export function registerResources(mcp: McpServer): void {
  mcp.registerResource(
    "static-text",
    "test://static-text",
    { description: "A fixed text", mimeType: "text/plain" },
    (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "text/plain",
          text: "This is the content of the static text resource.",
        },
      ],
    }),
  );
  mcp.registerResource(
    "static-binary",
    "test://static-binary",
    { description: "A fixed PNG image", mimeType: "image/png" },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: "image/png", blob: RED_PIXEL_PNG }] }),
  );
  mcp.registerResource(
    "watched-resource",
    "test://watched-resource",
    { description: "A resource clients may subscribe to", mimeType: "text/plain" },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: "Watched." }] }),
  );
  mcp.registerResource(
    "template-data",
    new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { description: "Data for an id", mimeType: "application/json" },
    (uri, { id }) => {
      const value = Array.isArray(id) ? id.join(",") : String(id);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: "application/json",
            text: JSON.stringify({ id: value, templateTest: true, data: `Data for ID: ${value}` }),
          },
        ],
      };
    },
  );

  const subscriptions = new Map<string, Set<string>>();
  // Stateless requests share one key: they have no session to remember anything for.
  const keyOf = (sessionId: string | undefined) => sessionId ?? "";
  mcp.server.registerCapabilities({ resources: { subscribe: true } });
  mcp.server.setRequestHandler(SubscribeRequestSchema, (request, extra) => {
    const key = keyOf(extra.sessionId);
    const uris = subscriptions.get(key) ?? new Set<string>();
    uris.add(request.params.uri);
    subscriptions.set(key, uris);
    return {};
  });
  mcp.server.setRequestHandler(UnsubscribeRequestSchema, (request, extra) => {
    const key = keyOf(extra.sessionId);
    subscriptions.get(key)?.delete(request.params.uri);
    if (subscriptions.get(key)?.size === 0) subscriptions.delete(key);
    return {};
  });
}
