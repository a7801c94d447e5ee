import type { IncomingMessage } from "node:http";

/**
 * A whole message, or null past `limit` bytes. Events rather than `for await`: on a path taken
 * twice per call, the async iterator's machinery is measurable.
 */
export function readAll(stream: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.removeAllListeners("data");
        stream.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    stream.once("end", () => resolve(size > limit ? null : Buffer.concat(chunks, size)));
    stream.once("error", reject);
  });
}
