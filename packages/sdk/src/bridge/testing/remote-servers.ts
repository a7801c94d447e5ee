import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { freePort } from "../../testing/host-harness.js";
import { binOf } from "./bridge-process.js";

export interface RemoteServer {
  /** The MCP endpoint's URL. */
  url: string;
  stop(): Promise<void>;
}

/**
 * server-everything in one of its HTTP modes, as its own process: `streamableHttp` serves
 * /mcp, `sse` the 2024-11-05 transport at /sse. It reads PORT (and prints PORT, not the port it
 * got), so a free one is picked here.
 */
export async function startEverythingHttp(
  mode: "streamableHttp" | "sse",
  /** The port of one stopped before: the same server, restarted. */
  again?: number,
): Promise<RemoteServer & { port: number }> {
  const port = again ?? (await freePort());
  const child = spawn(process.execPath, [binOf("@modelcontextprotocol/server-everything"), mode], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 15 s:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on port|running on port/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before listening:\n${output}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}/${mode === "sse" ? "sse" : "mcp"}`,
    stop: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface GuardedServer extends RemoteServer {
  /** Each request's headers, in order. */
  readonly seen: IncomingHttpHeaders[];
  /** How many `initialize` requests it answered. */
  readonly initializes: () => number;
  /** Ids of the `sleep` calls it was told to cancel. */
  readonly cancelled: Array<string | number>;
  /** Forgets every session, as a restarted server would: their next request gets 404. */
  forgetSessions(): void;
}

export interface GuardedServerOptions {
  /** The only Authorization accepted: `Bearer <token>`. */
  token: string;
  /** Answers 401 with a WWW-Authenticate challenge, as a server with MCP authorization does. */
  challenge?: boolean;
}

/**
 * An MCP server of the SDK's (Streamable HTTP, a session per client) that wants
 * `Authorization: Bearer <token>`. Tools: `echo`, `sleep` (answers after `ms`, or is
 * cancelled). It records what reached it, for a test to check what the bridge sent.
 */
export async function startGuardedServer(o: GuardedServerOptions): Promise<GuardedServer> {
  const seen: IncomingHttpHeaders[] = [];
  const cancelled: Array<string | number> = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let initializes = 0;

  const newSession = () => {
    const mcp = new McpServer({ name: "guarded", version: "1.0.0" });
    mcp.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({
      content: [{ type: "text", text: `echo: ${text}` }],
    }));
    mcp.registerTool("sleep", { inputSchema: { ms: z.number() } }, ({ ms }, extra) => {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ content: [{ type: "text", text: "slept" }] }), ms);
        extra.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          cancelled.push(extra.requestId);
          resolve({ content: [{ type: "text", text: "cancelled" }] });
        });
      });
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        initializes++;
        sessions.set(id, transport);
      },
    });
    void mcp.connect(transport);
    return transport;
  };

  const server = createServer(async (req: IncomingMessage, res) => {
    seen.push(req.headers);
    if (req.headers.authorization !== `Bearer ${o.token}`) {
      res.writeHead(401, {
        "content-type": "application/json",
        ...(o.challenge ? { "www-authenticate": 'Bearer resource_metadata="http://x/"' } : {}),
      });
      // An unkind server echoes what it was sent: the bridge must not pass this on.
      res.end(JSON.stringify({ error: `bad token: ${req.headers.authorization}` }));
      return;
    }
    const id = req.headers["mcp-session-id"];
    const transport = typeof id === "string" ? sessions.get(id) : newSession();
    if (!transport) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no session"}');
      return;
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    seen,
    cancelled,
    initializes: () => initializes,
    forgetSessions: () => sessions.clear(),
    stop: async () => {
      for (const transport of sessions.values()) await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
