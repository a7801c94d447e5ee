import { mcpCorsHeaders, mcpPreflightHeaders } from "@gumstack/runtime/core";
import type { McpRequest } from "./request.js";

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
export function preflight(request: McpRequest): Response {
  return new Response(null, {
    status: 204,
    headers: mcpPreflightHeaders(
      request.header("origin"),
      request.header("access-control-request-headers") ?? null,
    ),
  });
}

/** Our own event streams say something this often when they have nothing to say. */
export const KEEP_ALIVE_MS = 15_000;
const KEEP_ALIVE = new TextEncoder().encode(": keep-alive\n\n");
/**
 * How long an SSE answer waits for its first event before its head goes out. A quick tool's
 * whole answer is then one body with a length (one write, for us and for everyone on the path);
 * an event that comes is sent at once, never held back.
 */
export const FIRST_EVENT_WAIT_MS = 250;
/** A quick answer is sent whole up to this size; past it, it streams. */
const MAX_WHOLE_BYTES = 256 * 1024;

type Read = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

/** What of a stream is already read: its chunks, and the read still pending, if any. */
interface Started {
  chunks: Uint8Array[];
  pending: Promise<Read> | undefined;
}

/**
 * An event stream passed on as it comes, telling `done` once it ended or its client went away
 * first; with `keepAliveMs`, an SSE comment goes out whenever it was quiet that long (idle
 * proxies cut a silent stream). The SDK's session streams keep themselves alive. `started` is
 * what was read of `source` already, sent first.
 */
export function watchedStream(
  source: ReadableStream<Uint8Array> | ReadableStreamDefaultReader<Uint8Array>,
  o: { done?: (how: "ended" | "cancelled") => void; keepAliveMs?: number; started?: Started },
): ReadableStream<Uint8Array> {
  const reader = "getReader" in source ? source.getReader() : source;
  const queued = o.started?.chunks ?? [];
  let pending = o.started?.pending;
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
      for (const chunk of queued) controller.enqueue(chunk);
      if (o.keepAliveMs === undefined) return;
      timer = setInterval(() => {
        if (quiet) controller.enqueue(KEEP_ALIVE);
        quiet = true;
      }, o.keepAliveMs);
      timer.unref();
    },
    async pull(controller) {
      const read = pending ?? reader.read();
      pending = undefined;
      const chunk = await read.catch(() => ({ done: true, value: undefined }) as const);
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

/** The read, or undefined if it is not done when `wait` is. */
async function readBefore(read: Promise<Read>, wait: Promise<void>): Promise<Read | undefined> {
  return Promise.race([read.catch(() => ({ done: true, value: undefined }) as const), wait]).then(
    (result) => result ?? undefined,
  );
}

/**
 * Reads the start of an event stream: the whole of it if it ends soon after its first event (a
 * quick tool: its reply, and the stream closed in the same turn), else what came so far and the
 * read still waiting. Waits at most FIRST_EVENT_WAIT_MS for the first event, then only until
 * the work already queued is done (setImmediate): an event is never held back for another.
 */
async function startOf(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<{ whole: Uint8Array } | Started> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FIRST_EVENT_WAIT_MS);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  let read = reader.read();
  try {
    let result = await readBefore(read, waited);
    while (result !== undefined) {
      if (result.done) return { whole: Buffer.concat(chunks, size) };
      chunks.push(result.value);
      size += result.value.byteLength;
      read = reader.read();
      if (size > MAX_WHOLE_BYTES) break;
      result = await readBefore(read, new Promise((resolve) => setImmediate(resolve)));
    }
    return { chunks, pending: read };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The answer with its body watched: `done` is told once the body ended, or the client went away
 * first. Only event streams are watched (a JSON answer is whole already); they also get
 * `X-Accel-Buffering: no`, so no proxy in between holds events back. With `whole`, an event
 * stream that is over soon after it starts (see startOf) is sent as one body with a length.
 */
export async function watchBody(
  response: Response,
  extra: Record<string, string>,
  done: (how: "ended" | "cancelled") => void,
  whole = false,
): Promise<Response> {
  const stream = response.headers.get("content-type")?.startsWith("text/event-stream") === true;
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  Object.assign(headers, extra);
  if (!stream || !response.body) {
    done("ended");
    return Object.keys(extra).length === 0
      ? response
      : new Response(response.body, { status: response.status, headers });
  }
  headers["x-accel-buffering"] = "no";
  const reader = response.body.getReader();
  const started = whole ? await startOf(reader) : undefined;
  if (started && "whole" in started) {
    done("ended");
    return new Response(started.whole, { status: response.status, headers });
  }
  return new Response(watchedStream(reader, { done, ...(started ? { started } : {}) }), {
    status: response.status,
    headers,
  });
}
