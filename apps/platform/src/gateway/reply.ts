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

/**
 * A JSON-RPC error answering the request(s) in `body` by their ids, with HTTP 200: the client
 * matches it to its call and shows the message (a bare HTTP error would leave the call waiting).
 * A body with no request in it (a notification, a response) gets the error at the HTTP level.
 */
export function replyToRequests(
  res: ServerResponse,
  body: Buffer | undefined,
  error: { code: number; message: string; data?: unknown },
  fallbackStatus: number,
  headers: Record<string, string> = {},
): void {
  const parsed = parse(body);
  const ids = requestIds(parsed);
  if (ids.length === 0) {
    reply(res, fallbackStatus, error.code, error.message, headers);
    return;
  }
  const answers = ids.map((id) => ({ jsonrpc: "2.0", id, error }));
  res.writeHead(200, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(answers.length === 1 && !Array.isArray(parsed) ? answers[0] : answers));
}

function parse(body: Buffer | undefined): unknown {
  if (body === undefined || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined; // not JSON: answered at the HTTP level
    throw error;
  }
}

function requestIds(parsed: unknown): Array<string | number> {
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  return messages.flatMap((message) => {
    const { id, method } = (message ?? {}) as { id?: unknown; method?: unknown };
    const isRequest =
      typeof method === "string" && (typeof id === "string" || typeof id === "number");
    return isRequest ? [id as string | number] : [];
  });
}
