import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ResponseHead } from "./parser.js";
import { type Exchange, IDLE_MS, InvalidRequestError, Upstreams } from "./pool.js";

interface Answer {
  head: ResponseHead;
  body: string;
}

let server: Server | undefined;
const connections = new Set<Socket>();
let opened = 0;

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  server = createServer(handler);
  server.on("connection", (socket) => {
    opened++;
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const socket of connections) socket.destroy();
  opened = 0;
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

function call(
  upstreams: Upstreams,
  origin: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): { answer: Promise<Answer>; exchange: Exchange } {
  let exchange!: Exchange;
  const answer = new Promise<Answer>((resolve, reject) => {
    let head: ResponseHead | undefined;
    let body = "";
    exchange = upstreams.send(
      origin,
      {
        method: options.method ?? "POST",
        path: options.path ?? "/mcp",
        headers: options.headers ?? { "content-type": "application/json" },
        body: options.body === undefined ? undefined : Buffer.from(options.body),
      },
      {
        onHead: (h) => {
          head = h;
        },
        onData: (chunk) => {
          body += chunk.toString();
        },
        onEnd: () => (head ? resolve({ head, body }) : reject(new Error("no head"))),
        onError: reject,
      },
    );
  });
  return { answer, exchange };
}

describe("Upstreams, against node:http", () => {
  it("sends method, path, headers and body as given, and reuses one kept-alive connection", async () => {
    const seen: string[] = [];
    const origin = await serve((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers["x-a"]} ${body}`);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`{"n":${seen.length}}`);
      });
    });
    const upstreams = new Upstreams();
    for (let n = 1; n <= 5; n++) {
      const { answer } = call(upstreams, origin, {
        path: `/mcp?n=${n}`,
        headers: { "x-a": "b" },
        body: `{"call":${n}}`,
      });
      const { head, body } = await answer;
      expect(head.status).toBe(200);
      expect(head.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(body)).toEqual({ n });
    }
    const host = new URL(origin).host;
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => `POST /mcp?n=${n} ${host} b {"call":${n}}`));
    expect(opened).toBe(1);
    upstreams.close();
  });

  it("opens a connection per concurrent call, and keeps them for the next ones", async () => {
    const waiting: ServerResponse[] = [];
    const origin = await serve((_req, res) => {
      waiting.push(res);
      if (waiting.length === 3) for (const r of waiting.splice(0)) r.end("ok");
    });
    const upstreams = new Upstreams();
    for (let round = 0; round < 2; round++) {
      const answers = [0, 1, 2].map(() => call(upstreams, origin, { method: "GET" }).answer);
      expect((await Promise.all(answers)).map((a) => a.body)).toEqual(["ok", "ok", "ok"]);
    }
    expect(opened).toBe(3);
    upstreams.close();
  });

  it("relays a chunked stream as it comes, and pausing stops the reading until resumed", async () => {
    let release!: () => void;
    const written = new Promise<void>((resolve) => {
      release = resolve;
    });
    const origin = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      void written.then(() => res.end("data: last\n\n"));
    });
    const upstreams = new Upstreams();
    const chunks: string[] = [];
    let exchange!: Exchange;
    const ended = new Promise<void>((resolve, reject) => {
      exchange = upstreams.send(
        origin,
        { method: "GET", path: "/mcp", headers: {}, body: undefined },
        {
          onHead: () => {},
          onData: (chunk) => {
            chunks.push(chunk.toString());
            if (chunks.length === 1) {
              // The first event arrived before the server ended: it was not held back.
              exchange.pause();
              release();
              setTimeout(() => {
                expect(chunks).toEqual(["data: first\n\n"]);
                exchange.resume();
              }, 50);
            }
          },
          onEnd: resolve,
          onError: reject,
        },
      );
    });
    await ended;
    expect(chunks.join("")).toBe("data: first\n\ndata: last\n\n");
    upstreams.close();
  });

  it("never lets a finished exchange pause or close the connection its next request uses", async () => {
    const origin = await serve((_req, res) => res.end("answer"));
    const upstreams = new Upstreams();
    // A relay whose client is slow pauses on the last bytes, and its resume or abort comes after
    // the answer ended, when the kept-alive connection is someone else's.
    let first!: Exchange;
    await new Promise<void>((resolve, reject) => {
      first = upstreams.send(
        origin,
        { method: "GET", path: "/mcp", headers: {}, body: undefined },
        { onHead: () => {}, onData: () => first.pause(), onEnd: resolve, onError: reject },
      );
    });
    const second = call(upstreams, origin, { method: "GET" });
    first.pause();
    first.abort();
    expect((await second.answer).body).toBe("answer");
    expect(opened).toBe(1);
    upstreams.close();
  });

  it("closes the connection when the caller aborts, so the server sees its client go", async () => {
    let serverSawClose!: () => void;
    const closed = new Promise<void>((resolve) => {
      serverSawClose = resolve;
    });
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      started = resolve;
    });
    const origin = await serve((_req, res) => {
      res.once("close", serverSawClose);
      started();
    });
    const upstreams = new Upstreams();
    let calledBack = false;
    const exchange = upstreams.send(
      origin,
      { method: "GET", path: "/mcp", headers: {}, body: undefined },
      {
        onHead: () => {
          calledBack = true;
        },
        onData: () => {},
        onEnd: () => {
          calledBack = true;
        },
        onError: () => {
          calledBack = true;
        },
      },
    );
    await inFlight;
    exchange.abort();
    await closed;
    expect(calledBack).toBe(false);
    upstreams.close();
  });

  it("reports a server that closes mid-answer, and one that cannot be reached", async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      setImmediate(() => res.socket?.destroy());
    });
    const upstreams = new Upstreams();
    await expect(call(upstreams, origin).answer).rejects.toThrow(/closed mid-response|ECONNRESET/);
    const address = server?.address() as AddressInfo;
    await new Promise((resolve) => server?.close(resolve));
    for (const socket of connections) socket.destroy();
    await expect(call(upstreams, `http://127.0.0.1:${address.port}`).answer).rejects.toThrow(
      /ECONNREFUSED/,
    );
    upstreams.close();
  });

  it("does not reuse a connection the server closes, nor one that sent bytes nobody asked for", async () => {
    let n = 0;
    const origin = await serve((_req, res) => {
      n++;
      if (n === 1) {
        res.writeHead(200, { connection: "close", "content-length": "2" });
        res.end("ok");
      } else {
        // A length shorter than what follows: the rest is bytes after the response.
        res.socket?.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA");
      }
    });
    const upstreams = new Upstreams();
    expect((await call(upstreams, origin, { method: "GET" }).answer).body).toBe("ok");
    expect((await call(upstreams, origin, { method: "GET" }).answer).body).toBe("ok");
    expect((await call(upstreams, origin, { method: "GET" }).answer).body).toBe("ok");
    expect(opened).toBe(3);
    upstreams.close();
  });

  it("does not use a connection idle for longer than the server keeps it", async () => {
    const origin = await serve((_req, res) => res.end("ok"));
    let now = 0;
    const upstreams = new Upstreams(() => now);
    await call(upstreams, origin, { method: "GET" }).answer;
    now += IDLE_MS - 1;
    await call(upstreams, origin, { method: "GET" }).answer;
    expect(opened).toBe(1);
    now += IDLE_MS;
    await call(upstreams, origin, { method: "GET" }).answer;
    expect(opened).toBe(2);
    upstreams.close();
  });

  it("refuses to write a header value or a path that would end a line (header injection)", async () => {
    const origin = await serve((_req, res) => res.end("ok"));
    const upstreams = new Upstreams();
    const handlers = { onHead() {}, onData() {}, onEnd() {}, onError() {} };
    const send = (path: string, headers: Record<string, string>) =>
      upstreams.send(origin, { method: "GET", path, headers, body: undefined }, handlers);
    expect(() => send("/mcp", { "x-a": "1\r\nx-injected: yes" })).toThrow(InvalidRequestError);
    expect(() => send("/mcp HTTP/1.1\r\nx-injected: yes", {})).toThrow(InvalidRequestError);
    expect(opened).toBe(0);
    upstreams.close();
  });
});
