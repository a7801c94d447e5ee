import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_GONE, readBody } from "./read-body.js";

const LIMIT = 64;
type Read = Awaited<ReturnType<typeof readBody>>;

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/**
 * A server whose handler reads each request's body with readBody, `after` a wait (as /mcp reads
 * it after authenticating: by then a small body has been parsed whole), and reports what it read.
 */
async function reading(after: (incoming: IncomingMessage) => Promise<void>) {
  const reads: Read[] = [];
  let told: (() => void) | undefined;
  server = createServer(async (incoming, outgoing) => {
    await after(incoming);
    const body = await readBody(incoming, LIMIT);
    reads.push(body);
    const tell = told;
    told = undefined;
    tell?.();
    outgoing.end(body === CLIENT_GONE ? "gone" : body === null ? "null" : body.toString());
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const read = () =>
    new Promise<Read>((resolve) => {
      const have = reads.shift();
      if (have !== undefined) resolve(have);
      else told = () => resolve(reads.shift() as Read);
    });
  return { port, read };
}

/** Sends `parts` of raw HTTP over one connection, `gapMs` apart; resolves with the socket. */
async function send(port: number, parts: string[], gapMs = 0) {
  const socket = connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  for (const part of parts) {
    socket.write(part);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return socket;
}

const head = (length: number, extra = "") =>
  `POST / HTTP/1.1\r\nhost: x\r\ncontent-length: ${length}\r\n${extra}\r\n`;
const settled = (ms: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("readBody", () => {
  it("reads a body that came whole with its head, and one whose handler reads it at once", async () => {
    for (const after of [settled(50), async () => {}]) {
      const { port, read } = await reading(after);
      const socket = await send(port, [`${head(11)}hello world`]);
      expect((await read())?.toString()).toBe("hello world");
      socket.destroy();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it("reads a body that comes in parts after its head, and a chunked one", async () => {
    const { port, read } = await reading(async () => {});
    const socket = await send(port, [head(10), "01234", "56789"], 30);
    expect((await read())?.toString()).toBe("0123456789");
    const chunked = await send(
      port,
      [
        "POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n",
        "3\r\nabc\r\n",
        "0\r\n\r\n",
      ],
      30,
    );
    expect((await read())?.toString()).toBe("abc");
    socket.destroy();
    chunked.destroy();
  });

  it("gives null past the limit, declared or sent, whole or in parts", async () => {
    const { port, read } = await reading(settled(50));
    const big = "x".repeat(LIMIT + 1);
    const declared = await send(port, [head(LIMIT + 1), big]);
    expect(await read()).toBeNull();
    const chunked = await send(port, [
      `POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${(LIMIT + 1).toString(16)}\r\n${big}\r\n0\r\n\r\n`,
    ]);
    expect(await read()).toBeNull();
    const parts = await send(
      port,
      [
        "POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n",
        `${LIMIT.toString(16)}\r\n${"y".repeat(LIMIT)}\r\n`,
        "1\r\nz\r\n0\r\n\r\n",
      ],
      30,
    );
    expect(await read()).toBeNull();
    for (const socket of [declared, chunked, parts]) socket.destroy();
  });

  it("reads an empty body as empty", async () => {
    const { port, read } = await reading(settled(50));
    const socket = await send(port, [head(0)]);
    const body = await read();
    expect(Buffer.isBuffer(body) && body.length === 0).toBe(true);
    socket.destroy();
  });

  it("says the client is gone when it hangs up before its body is whole", async () => {
    const { port, read } = await reading(async () => {});
    const socket = await send(port, [head(20), "partial"], 30);
    socket.destroy();
    expect(await read()).toBe(CLIENT_GONE);
  });
});
