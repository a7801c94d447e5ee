import type { ServerResponse } from "node:http";

/** A JSON-RPC error at the HTTP level, the shape the SDK's transport answers with too. */
export function reply(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }));
}
