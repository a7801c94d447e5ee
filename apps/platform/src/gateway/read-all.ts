import type { IncomingMessage } from "node:http";

/** The client went away before its request was whole. */
export const GONE = Symbol("gone");

/**
 * A whole message; null past `limit` bytes; GONE if the client went away first (nobody to
 * answer: not an error of ours). Events rather than `for await`: on a path taken twice per call,
 * the async iterator's machinery is measurable.
 */
export function readAll(
  stream: IncomingMessage,
  limit: number,
): Promise<Buffer | null | typeof GONE> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      stream.resume();
      resolve(null);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    // Node says `aborted` with an error, or only closes: either way, the client is gone.
    const onGone = () => {
      stop();
      resolve(GONE);
    };
    const onClose = () => {
      if (!stream.complete) onGone();
    };
    function stop() {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onGone);
      stream.off("close", onClose);
    }
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onGone);
    stream.once("close", onClose);
  });
}
