import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
} from "@modelcontextprotocol/sdk/types.js";

/*
 * What kind of JSON-RPC message one is, by its shape. The SDK's own guards (isJSONRPCRequest and
 * the rest) each run a zod parse of the whole message; the router, the exchanges, the activity
 * observer and the bridge asked several of them about every message, in and out. These look only
 * at the members that tell the kinds apart, so they are
 * for messages already checked once with the SDK's schema on the way in (StatelessExchange, the
 * SDK's session transport, the bridge's line reader), or sent by the server itself.
 */

type Message = JSONRPCMessage | Record<string, unknown>;

const hasId = (m: Message): boolean => {
  const id = (m as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number";
};

export const isRequest = (m: Message): m is JSONRPCRequest =>
  typeof (m as { method?: unknown }).method === "string" && hasId(m);

export const isNotification = (m: Message): m is JSONRPCNotification =>
  typeof (m as { method?: unknown }).method === "string" && !("id" in m);

export const isResult = (m: Message): m is JSONRPCResultResponse =>
  hasId(m) && "result" in m && !("method" in m);

export const isError = (m: Message): m is JSONRPCErrorResponse =>
  "error" in m && !("method" in m) && typeof (m as { error?: unknown }).error === "object";
