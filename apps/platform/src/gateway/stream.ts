import type { IncomingMessage, ServerResponse } from "node:http";

export type StreamEnd = "ended" | "client gone" | "server gone" | "cut off";

/**
 * Passes a streamed answer (SSE) on as it comes: each chunk is written when it arrives, and
 * `pipe` stops reading from the server while the client is slow (its socket's buffer full), so
 * the gateway holds at most a buffer's worth whatever the server sends; the server's own writes
 * then wait on TCP. The client going away destroys the upstream request (the server sees its
 * client leave and cancels); the server dying mid-answer cuts the client off (no clean end that
 * would pass a truncated stream for a whole one). `cutOff` (the drain's deadline) ends the
 * answer cleanly for the client and lets go of the server. `done` runs once, when it is over.
 */
export function relayStream(
  upstream: IncomingMessage,
  res: ServerResponse,
  cutOff: AbortSignal,
  done: (how: StreamEnd, error?: unknown) => void,
): void {
  let over = false;
  let failure: unknown;
  const finish = (how: StreamEnd) => {
    if (over) return;
    over = true;
    cutOff.removeEventListener("abort", cut);
    done(how, failure);
  };
  const cut = () => {
    upstream.unpipe(res);
    res.end();
    upstream.destroy();
    finish("cut off");
  };
  if (cutOff.aborted) {
    cut();
    return;
  }
  cutOff.addEventListener("abort", cut, { once: true });
  res.once("close", () => {
    if (res.writableFinished) finish("ended");
    else {
      upstream.destroy();
      finish("client gone");
    }
  });
  upstream.once("close", () => {
    if (upstream.complete) return;
    res.destroy();
    finish("server gone");
  });
  // "close" follows an error on either side and decides above; the error goes to `done`.
  const keep = (error: unknown) => {
    failure ??= error;
  };
  upstream.on("error", keep);
  res.on("error", keep);
  upstream.pipe(res);
}
