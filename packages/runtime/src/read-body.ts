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
  // The whole body is here already (it came with the head, as a small request's does): taken as
  // it is, without a turn of events per chunk and another for the end.
  if (isHereWhole(incoming)) return Promise.resolve(buffered(incoming, limit));
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

/**
 * Whether the stream's buffer holds the whole body: nothing has read any of it, and the message
 * is parsed to its end or, with a length, that many bytes are buffered. A handler that got here
 * within the microtasks of the parser's turn runs between the body's bytes and the message's end,
 * which Node marks just after.
 */
function isHereWhole(incoming: IncomingMessage): boolean {
  if (incoming.readableDidRead || incoming.readableFlowing === true) return false;
  const declared = incoming.headers["content-length"];
  return (
    incoming.complete || (declared !== undefined && incoming.readableLength === Number(declared))
  );
}

/** The body of a request already here whole, read from the stream's buffer in one go. */
function buffered(incoming: IncomingMessage, limit: number): Buffer | null {
  const body = incoming.read() as Buffer | null;
  // Flowing, with nothing left to lose, so that the stream's end (still to come, if the parser
  // has not marked it yet) is emitted and the request closes as a read one does.
  incoming.resume();
  if (body === null) return Buffer.alloc(0);
  return body.length > limit ? null : body;
}
