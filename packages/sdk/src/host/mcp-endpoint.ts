import { randomUUID } from "node:crypto";
import type { Logger } from "@gumstack/log";
import { crossOriginProblem } from "@gumstack/runtime";
import {
  isJSONRPCRequest,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import { type CallContext, type CredentialSource, callContext } from "../context.js";
import { errorReply, type MultiplexTransport } from "./multiplex-transport.js";
import { CallerText, redactReply } from "./redact.js";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_BATCH = 100;

export interface McpEndpoint {
  transport: MultiplexTransport;
  serverId: string;
  source: CredentialSource;
  log: Logger;
  /** Who the request is from, or null: answered with 401. */
  authenticate(
    request: Request,
  ): Promise<{ userId: string; context?: string; deadline?: number } | null>;
  /** What a 401 tells the client in `WWW-Authenticate`. */
  challenge: string;
  /**
   * Browser origins that may call (ours and the configured ones); another `Origin` is a 403.
   * Unset for a hosted server: the platform's gateway checked it before relaying.
   */
  origins?: ReadonlySet<string>;
}

function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
) {
  return Response.json(errorReply(null as unknown as string, code, message), { status, headers });
}

async function readBody(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  const text = await request.text();
  return Buffer.byteLength(text) > MAX_BODY_BYTES ? null : text;
}

/** Parses a body into JSON-RPC messages, or says what is wrong with it. */
function parseMessages(text: string): { messages: JSONRPCMessage[]; batch: boolean } | Response {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonRpcError(400, -32700, "Parse error: the body is not JSON");
  }
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0 || items.length > MAX_BATCH) {
    return jsonRpcError(400, -32600, `Invalid Request: send 1 to ${MAX_BATCH} messages`);
  }
  const messages: JSONRPCMessage[] = [];
  for (const item of items) {
    const parsed = JSONRPCMessageSchema.safeParse(item);
    if (!parsed.success)
      return jsonRpcError(400, -32600, "Invalid Request: not a JSON-RPC 2.0 message");
    messages.push(parsed.data);
  }
  return { messages, batch: Array.isArray(body) };
}

/**
 * POST /mcp, Streamable HTTP without sessions: authenticate, check the request as the SDK's own
 * transport does, then dispatch it into the one connected server with the caller's context.
 */
export async function handleMcpRequest(endpoint: McpEndpoint, request: Request): Promise<Response> {
  if (endpoint.origins) {
    const problem = crossOriginProblem(
      {
        origin: request.headers.get("origin"),
        secFetchSite: request.headers.get("sec-fetch-site"),
      },
      endpoint.origins,
    );
    if (problem) return jsonRpcError(403, -32000, `Forbidden: ${problem}`);
  }
  if (request.method !== "POST") {
    return jsonRpcError(
      405,
      -32000,
      "Method not allowed: this server answers POST only (no sessions, no server-initiated stream)",
      { Allow: "POST" },
    );
  }
  const accept = request.headers.get("accept") ?? "*/*";
  if (!/application\/json|\*\/\*|application\/\*/.test(accept)) {
    return jsonRpcError(406, -32000, "Not Acceptable: the client must accept application/json");
  }
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return jsonRpcError(
      415,
      -32000,
      "Unsupported Media Type: Content-Type must be application/json",
    );
  }
  const version = request.headers.get("mcp-protocol-version");
  if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return jsonRpcError(
      400,
      -32000,
      `Bad Request: unsupported protocol version ${version} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
    );
  }
  const identity = await endpoint.authenticate(request);
  if (identity === null) {
    return jsonRpcError(401, -32001, "Unauthorized: send Authorization: Bearer <your API key>", {
      "WWW-Authenticate": endpoint.challenge,
    });
  }
  const text = await readBody(request);
  if (text === null)
    return jsonRpcError(413, -32000, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`);
  const parsed = parseMessages(text);
  if (parsed instanceof Response) return parsed;
  const { messages, batch } = parsed;

  const call: CallContext = {
    ...identity,
    serverId: endpoint.serverId,
    requestId: request.headers.get("x-request-id") ?? randomUUID(),
    source: endpoint.source,
    handedOut: new Set(),
  };
  const headers = Object.fromEntries(request.headers);
  // The tool sees the request's headers, but not the caller's key or the platform's context.
  delete headers.authorization;
  delete headers["x-gumstack-context"];
  const extra = { requestInfo: { headers, url: new URL(request.url) } };
  // Read only when a reply has credentials to check against (most have none).
  let callerSent: CallerText | undefined;
  const replies = await callContext.run(call, () =>
    endpoint.transport.dispatch(messages, extra, request.signal, (reply) => {
      if (call.handedOut.size === 0) return reply;
      callerSent ??= new CallerText(messages);
      const { reply: safe, redacted } = redactReply(reply, call.handedOut, callerSent);
      if (redacted > 0) {
        endpoint.log.warn("removed credentials from a tool's reply", {
          requestId: call.requestId,
          redacted,
        });
      }
      return safe;
    }),
  );
  if (!messages.some(isJSONRPCRequest)) return new Response(null, { status: 202 });
  return Response.json(batch ? replies : replies[0]);
}
