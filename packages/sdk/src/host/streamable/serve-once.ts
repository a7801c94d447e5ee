import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { type CallContext, callContext } from "../../context.js";
import type { Finish, Router } from "./router.js";

/**
 * Serves one batch of messages through the router as one stateless JSON request would be, for
 * `call`, and answers the replies: what the endpoint does for a request without a session, without
 * the HTTP around it.
 */
export async function serveOnce(
  router: Router,
  call: CallContext,
  messages: readonly JSONRPCMessage[],
  finish?: (request: JSONRPCMessage) => Finish,
): Promise<JSONRPCMessage[]> {
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await router.attach({ transport }, finish);
  try {
    const response = await callContext.run(call, () =>
      transport.handleRequest(
        new Request("http://in-process/mcp", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
        }),
        { parsedBody: messages.length === 1 ? messages[0] : messages },
      ),
    );
    if (response.status === 202) return [];
    const body: unknown = await response.json();
    return (Array.isArray(body) ? body : [body]) as JSONRPCMessage[];
  } finally {
    await transport.close();
  }
}
