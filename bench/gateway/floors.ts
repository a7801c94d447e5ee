// The floors bench:gateway measures the gateway against, in the same run: what relaying costs
// on this machine before any of the gateway's own work. Each stands where the gateway stands,
// between the load generator and the hosted process, and does nothing else (no key checked, no
// server looked up, no context signed; the bench signs the context as on the direct route):
// - node relay: node:http's server and a keep-alive http.Agent, the request's method, path,
//   headers and body passed on and the response piped back, what the smallest reverse proxy in
//   Node does;
// - byte pipe: each client connection paired with one of its own to the hosted process, bytes
//   copied both ways and no HTTP parsed at all: the kernel's and the event loop's share of any
//   relay, the least a process in the middle can cost.
// Their CPU per call is the whole process's, as the gateway's is the platform's less what the
// direct rounds cost it. Usage: floors.ts <the hosted process's /mcp URL>
import { Agent, createServer, type IncomingHttpHeaders, request } from "node:http";
import { connect, createServer as createTcpServer, type Server, type Socket } from "node:net";
import { exitWithParent } from "../host/child.js";
import { announce } from "../shared/announce.js";
import type { FloorsReady } from "./ready.js";

// Hop-by-hop: about one connection, not passed on by a proxy (RFC 9110, 7.6.1).
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade"]);
const endToEnd = (headers: IncomingHttpHeaders) => {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
};

function nodeRelay(target: URL): Server {
  const agent = new Agent({ keepAlive: true });
  const server = createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req, res) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: target.pathname,
        headers: endToEnd(req.headers),
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  return server;
}

function bytePipe(target: URL): Server {
  return createTcpServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
}

const listen = (server: Server) =>
  new Promise<string>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (typeof address === "object" && address !== null)
        resolve(`http://127.0.0.1:${address.port}/mcp`);
      else reject(new Error("the relay has no address"));
    });
  });

const hosted = process.argv[2];
if (!hosted) throw new Error("usage: floors.ts <the hosted process's /mcp URL>");
const target = new URL(hosted);
const relay = nodeRelay(target);
const pipe = bytePipe(target);
const servers = [relay, pipe];
// Open connections would keep close() waiting: they go with the servers.
const sockets = new Set<Socket>();
for (const server of servers) {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
}
const [nodeRelayUrl, bytePipeUrl] = await Promise.all([listen(relay), listen(pipe)]);
exitWithParent(async () => {
  const closed = servers.map((s) => new Promise((resolve) => s.close(resolve)));
  for (const socket of sockets) socket.destroy();
  await Promise.all(closed);
});
announce({ nodeRelayUrl, bytePipeUrl, pid: process.pid } satisfies FloorsReady);
