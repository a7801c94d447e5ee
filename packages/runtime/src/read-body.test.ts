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

  it("takes a body whole from the buffer before Node marks it complete; the request still ends", async () => {
    // A handler a microtask after the request event (as /mcp after a cached key check) runs
    // between the parser pushing the body's bytes and marking the message complete.
    const seen: string[] = [];
    const reads: Read[] = [];
    server = createServer(async (incoming, outgoing) => {
      await Promise.resolve();
      seen.push(incoming.complete ? "complete" : "not yet complete");
      incoming.once("end", () => seen.push("end")).once("close", () => seen.push("close"));
      const reading = readBody(incoming, LIMIT);
      // Taken from the buffer: no turn of events waited for.
      seen.push(incoming.listenerCount("data") === 0 ? "from the buffer" : "by events");
      reads.push(await reading);
      outgoing.end("ok");
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const socket = await send(port, [`${head(5)}first`]);
    const answers: string[] = [];
    socket.on("data", (chunk: Buffer) => answers.push(chunk.toString()));
    // Bounded: each answer comes within a few turns on loopback.
    for (let i = 0; i < 100 && answers.length < 1; i++) await settled(10)();
    // The same connection carries the next request: the first was read to its end.
    socket.write(`${head(6)}second`);
    for (let i = 0; i < 100 && answers.length < 2; i++) await settled(10)();
    for (let i = 0; i < 100 && seen.filter((s) => s === "close").length < 2; i++)
      await settled(10)();
    socket.destroy();
    expect(reads.map((body) => body?.toString())).toEqual(["first", "second"]);
    const each = ["not yet complete", "from the buffer", "end", "close"];
    expect(seen).toEqual([...each, ...each]);
  });

  it("waits for the rest of a body that is only partly here when it is read", async () => {
    const { port, read } = await reading(settled(10));
    const socket = await send(port, [`${head(10)}01234`, "56789"], 60);
    expect((await read())?.toString()).toBe("0123456789");
    socket.destroy();
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
