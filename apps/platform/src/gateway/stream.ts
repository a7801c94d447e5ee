import type { IncomingMessage, ServerResponse } from "node:http";
import type { Lease } from "../runner/index.js";

export type StreamEnd = "ended" | "client gone" | "server gone" | "cut off";

/**
 * Passes a streamed answer (SSE) on as it comes: each chunk is written when it arrives, and
 * reading from the server stops while the client is slow (its socket's buffer full), so
 * the gateway holds at most a buffer's worth whatever the server sends; the server's own writes
 * then wait on TCP. The client going away destroys the upstream request (the server sees its
 * client leave and cancels); the server dying mid-answer cuts the client off (no clean end that
 * would pass a truncated stream for a whole one). The lease's cut-off (the drain's deadline)
 * ends the answer cleanly for the client and lets go of the server. `done` runs once, at the end.
 */
export function relayStream(
  upstream: IncomingMessage,
  res: ServerResponse,
  lease: Pick<Lease, "onCutOff">,
  done: (how: StreamEnd, error?: unknown) => void,
): void {
  let over = false;
  let failure: unknown;
  let stopListening = () => {};
  const finish = (how: StreamEnd) => {
    if (over) return;
    over = true;
    stopListening();
    done(how, failure);
  };
  const cut = () => {
    upstream.removeAllListeners("data");
    res.end();
    upstream.destroy();
    finish("cut off");
  };
  // "close" follows an error on either side and decides below; the error goes to `done`.
  const keep = (error: unknown) => {
    failure ??= error;
  };
  upstream.on("error", keep);
  res.on("error", keep);
  // Runs `cut` at once if the deadline has passed already; then there is nothing more to do.
  stopListening = lease.onCutOff(cut);
  if (over) return;
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
  // What arrives in one tick leaves in one write: the head, an event and the stream's end are
  // usually one packet from the server, and a write each was most of an SSE answer's cost.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  upstream.on("data", (chunk: Buffer) => {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(uncork);
    }
    // Backpressure: a full client buffer stops the reading until it drains.
    if (!res.write(chunk)) upstream.pause();
  });
  res.on("drain", () => upstream.resume());
  upstream.once("end", () => res.end());
}
