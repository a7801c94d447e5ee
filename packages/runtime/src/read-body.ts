import type { IncomingMessage } from "node:http";

/** The client went away before its request was whole. */
export const CLIENT_GONE = Symbol("client gone");

/**
 * A request's whole body; null past `limit` bytes (declared or sent: the rest is then not kept);
 * CLIENT_GONE if the client went away first, which is nobody's error. Events rather than
 * `for await`: on a path taken once or twice per call, the async iterator's machinery is
 * measurable. The gateway and `/mcp` in the host and the bridge read bodies with it.
 */
export function readBody(
  incoming: IncomingMessage,
  limit: number,
): Promise<Buffer | null | typeof CLIENT_GONE> {
  if (Number(incoming.headers["content-length"] ?? 0) > limit) return Promise.resolve(null);
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
      // What is left is read and dropped, not kept.
      incoming.resume();
      resolve(null);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    // Node says `aborted` with an error, or only closes: either way, the client is gone.
    const onGone = () => {
      stop();
      resolve(CLIENT_GONE);
    };
    const onClose = () => {
      if (!incoming.complete) onGone();
    };
    function stop() {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onGone);
      incoming.off("close", onClose);
    }
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("error", onGone);
    incoming.once("close", onClose);
  });
}
