// The MCP request every benchmark sends: one JSON-RPC tools/call, as the SDK's client sends it.
export const PROTOCOL_VERSION = "2025-06-18";

export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": PROTOCOL_VERSION,
};

export const toolCall = (name: string, args: Record<string, unknown>) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name, arguments: args },
  });
