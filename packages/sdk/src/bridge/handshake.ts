import {
  InitializeRequestSchema,
  type InitializeResult,
  InitializeResultSchema,
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";

/** What the bridge says of itself to the child it runs. */
export const BRIDGE_CLIENT_INFO = { name: "gumstack-bridge", version: "0.1.0" };

/**
 * The bridge's `initialize` to the child. It offers what the bridge can pass on to a client:
 * elicitation (form and URL) and sampling. Not roots: the child has one connection, and a roots
 * list is one client's folders; with several clients (even of one user) behind that connection,
 * the bridge could not say whose roots the child would be told, nor keep them from changing under
 * it as clients come and go.
 */
export function childInitializeParams() {
  return {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: { elicitation: { form: {}, url: {} }, sampling: {} },
    clientInfo: BRIDGE_CLIENT_INFO,
  };
}

/** The child's answer to it, checked: what every client's `initialize` is answered from. */
export function readChildInitialize(result: unknown): InitializeResult {
  const parsed = InitializeResultSchema.safeParse(result);
  if (!parsed.success)
    throw new Error(
      `the server's initialize result is malformed: ${parsed.error.issues[0]?.path.join(".")}`,
    );
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(parsed.data.protocolVersion))
    throw new Error(
      `the server speaks protocol version ${parsed.data.protocolVersion}, which the bridge does not`,
    );
  return parsed.data;
}

/**
 * A client's `initialize`, answered by the bridge as the child would: its server info,
 * capabilities and instructions, with the protocol version negotiated for this client as the
 * SDK's server does (the client's if supported, else the latest). Null when the request is
 * malformed.
 */
export function answerInitialize(
  request: JSONRPCMessage,
  child: InitializeResult,
): InitializeResult | null {
  const parsed = InitializeRequestSchema.safeParse(request);
  if (!parsed.success) return null;
  const requested = parsed.data.params.protocolVersion;
  return {
    protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
      ? requested
      : LATEST_PROTOCOL_VERSION,
    capabilities: child.capabilities,
    serverInfo: child.serverInfo,
    ...(child.instructions === undefined ? {} : { instructions: child.instructions }),
  };
}

/** The client's capabilities and name from its `initialize`, for its session to keep. */
export function clientOf(request: JSONRPCMessage) {
  const parsed = InitializeRequestSchema.safeParse(request);
  return parsed.success
    ? { capabilities: parsed.data.params.capabilities, info: parsed.data.params.clientInfo }
    : undefined;
}
