import type { ServerResponse } from "node:http";
import { mcpCorsHeaders, mcpPreflightHeaders } from "@gumstack/runtime/core";

/**
 * Calls `listener` if the client goes away before its answer is sent; returns what stops
 * listening. Served by Node, a route passes the one of its response (nodeHangUp): a Request's
 * `signal` costs an AbortController per request there.
 */
export type HangUp = (listener: () => void) => () => void;

/** The hang-up of a request served by @hono/node-server, from its bindings; else undefined. */
export function nodeHangUp(env: unknown): HangUp | undefined {
  const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing) return undefined;
  return (listener) => {
    const closed = () => {
      if (!outgoing.writableFinished) listener();
    };
    outgoing.once("close", closed);
    return () => outgoing.off("close", closed);
  };
}

/** JSON-RPC errors at the HTTP level: the shape the SDK's transport answers with too. */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status, headers });
}

/** An event stream's head: never cached, never held back by a proxy in between. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** What a browser page of an allowed origin may read of an answer (sessions, challenges). */
export function corsHeaders(origin: string | null): Record<string, string> {
  return origin === null ? {} : mcpCorsHeaders(origin);
}

/** A CORS preflight, answered before authentication: it carries no credentials by design. */
export function preflight(request: Request): Response {
  const origin = request.headers.get("origin") ?? undefined;
  return new Response(null, {
    status: 204,
    headers: mcpPreflightHeaders(origin, request.headers.get("access-control-request-headers")),
  });
}

/** Our own event streams say something this often when they have nothing to say. */
export const KEEP_ALIVE_MS = 15_000;
const KEEP_ALIVE = new TextEncoder().encode(": keep-alive\n\n");

/**
 * An event stream passed on as it comes, telling `done` once it ended or its client went away
 * first; with `keepAliveMs`, an SSE comment goes out whenever it was quiet that long (idle
 * proxies cut a silent stream). The SDK's session streams keep themselves alive.
 */
export function watchedStream(
  source: ReadableStream<Uint8Array>,
  o: { done?: (how: "ended" | "cancelled") => void; keepAliveMs?: number },
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let timer: ReturnType<typeof setInterval> | undefined;
  let quiet = true;
  let finished = false;
  const end = (how: "ended" | "cancelled") => {
    clearInterval(timer);
    if (finished) return;
    finished = true;
    o.done?.(how);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (o.keepAliveMs === undefined) return;
      timer = setInterval(() => {
        if (quiet) controller.enqueue(KEEP_ALIVE);
        quiet = true;
      }, o.keepAliveMs);
      timer.unref();
    },
    async pull(controller) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }) as const);
      if (chunk.done) {
        controller.close();
        end("ended");
      } else {
        quiet = false;
        controller.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      end("cancelled");
      return reader.cancel(reason);
    },
  });
}

/**
 * The answer with its body watched: `done` is told once the body ended, or the client went away
 * first. Only event streams are watched (a JSON answer is whole already); they also get
 * `X-Accel-Buffering: no`, so no proxy in between holds events back.
 */
export function watchBody(
  response: Response,
  extra: Record<string, string>,
  done: (how: "ended" | "cancelled") => void,
): Response {
  const stream = response.headers.get("content-type")?.startsWith("text/event-stream") === true;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  if (!stream || !response.body) {
    done("ended");
    return Object.keys(extra).length === 0
      ? response
      : new Response(response.body, { status: response.status, headers });
  }
  headers.set("x-accel-buffering", "no");
  return new Response(watchedStream(response.body, { done }), {
    status: response.status,
    headers,
  });
}
