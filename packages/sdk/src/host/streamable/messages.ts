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
 * at the members that tell the kinds apart, so they are for messages already checked once on the
 * way in (isJsonRpcMessage below, in StatelessExchange and the bridge's line reader; the SDK's
 * schema, in its session transport), or sent by the server itself.
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

/*
 * Whether a parsed JSON value is a JSON-RPC message, exactly as the SDK's JSONRPCMessageSchema
 * decides (SDK 1.32): one of its four strict shapes, ids and error codes safe integers or ids
 * strings, params, results and errors objects, a `_meta`'s progress token and related task well
 * formed. Written out because the union's zod parse is a measurable part of a quick call's CPU,
 * on a path that checks every message a client sends; messages.test.ts holds it to the schema.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isId = (value: unknown): boolean => typeof value === "string" || Number.isSafeInteger(value);

/** No member but `allowed` (the schema's shapes are strict). */
function only(value: Json, allowed: readonly string[]): boolean {
  for (const name in value) if (!allowed.includes(name)) return false;
  return true;
}

const RELATED_TASK = "io.modelcontextprotocol/related-task";

/** An optional `_meta`: an object, its progress token an id, its related task one with a taskId. */
function isMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  if (meta.progressToken !== undefined && !isId(meta.progressToken)) return false;
  const task = meta[RELATED_TASK];
  return task === undefined || (isObject(task) && typeof task.taskId === "string");
}

const isParams = (params: unknown): boolean =>
  params === undefined || (isObject(params) && isMeta(params._meta));

const REQUEST = ["jsonrpc", "id", "method", "params"];
const NOTIFICATION = ["jsonrpc", "method", "params"];
const RESULT = ["jsonrpc", "id", "result"];
const ERROR = ["jsonrpc", "id", "error"];

export function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (!isObject(value) || value.jsonrpc !== "2.0") return false;
  if (typeof value.method === "string") {
    if (!isParams(value.params)) return false;
    return value.id === undefined
      ? only(value, NOTIFICATION)
      : isId(value.id) && only(value, REQUEST);
  }
  if (value.result !== undefined)
    return (
      isId(value.id) && isObject(value.result) && isMeta(value.result._meta) && only(value, RESULT)
    );
  const { error } = value;
  return (
    (value.id === undefined || isId(value.id)) &&
    isObject(error) &&
    Number.isSafeInteger(error.code) &&
    typeof error.message === "string" &&
    only(value, ERROR)
  );
}
