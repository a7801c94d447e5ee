import { fileURLToPath } from "node:url";
import type { Id } from "@gumstack/db";
import { CONTEXT_HEADER, mintContext, runtimeSecretFor } from "@gumstack/runtime";
import { freePort } from "@gumstack/sdk/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { deployServer } from "../../servers/deploy.js";
import type { ServerRow } from "../../servers/owned-server.js";
import { registerServer } from "../../servers/register.js";
import { type SignedIn, type TestPlatform, testPlatform } from "../../testing/api-client.js";

export const streamingServer = fileURLToPath(new URL("./streaming-server", import.meta.url));

/** How long a poll for something a process does waits, at most. */
const WAIT_MS = 20_000;

/**
 * The whole platform on a loopback port (gateway, API, the real runner) serving a test server
 * (the streaming server, testing/streaming-server, unless `folder` names another) as a process
 * of its own, and two users with API keys.
 */
export async function streamingPlatform(
  runner: { drainTimeoutMs?: number } = {},
  folder = streamingServer,
) {
  const url = `http://127.0.0.1:${await freePort()}`;
  const platform: TestPlatform = await testPlatform({ publicUrl: url, runner });
  const stopListening = await platform.listen();
  const admin = await platform.signUpAdmin("admin@example.com");
  const other = await platform.signUp("other@example.com");
  const keyOf = async (user: SignedIn) => {
    const created = await platform.call("POST", "/api/keys", { as: user, body: { name: "t" } });
    return ((await created.json()) as { key: string }).key;
  };
  const server: ServerRow = await registerServer(
    platform.services,
    folder,
    admin.userId as Id<"user">,
  );
  await deployServer(platform.services, server);
  const { runner: running } = platform.services;
  return {
    platform,
    url,
    mcpUrl: `${url}/mcp/${server.name}`,
    server,
    admin,
    adminKey: await keyOf(admin),
    otherKey: await keyOf(other),
    redeploy: () => deployServer(platform.services, server),
    /** The hosted process's own /mcp, and the context the gateway would sign for the admin. */
    direct: () => {
      const port = running.status(server.id)?.port;
      if (port === undefined) throw new Error(`${server.name} is not running`);
      const context = mintContext(
        runtimeSecretFor(platform.services.vault, server.id),
        { userId: admin.userId, serverId: server.id, requestId: crypto.randomUUID() },
        Date.now(),
      );
      return { url: `http://127.0.0.1:${port}/mcp`, headers: { [CONTEXT_HEADER]: context } };
    },
    /**
     * Waits (up to `waitMs`) for a line of the serving deployment's output (or any kept one's)
     * to match `times` times; rejects past it.
     */
    async printed(pattern: RegExp, times = 1, waitMs = WAIT_MS): Promise<void> {
      const until = Date.now() + waitMs;
      const count = () =>
        running
          .deployments(server.id)
          .flatMap((d) => running.logs(d.deploymentId))
          .filter((line) => pattern.test(line.text)).length;
      while (count() < times) {
        if (Date.now() >= until) throw new Error(`the server never printed ${pattern} ${times}x`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await stopListening();
      await running.close();
      await platform.close();
    },
  };
}

export type StreamingPlatform = Awaited<ReturnType<typeof streamingPlatform>>;

/** The SDK's client through the gateway, with the key and any extra headers. */
export async function connect(
  at: StreamingPlatform,
  options: { key?: string; headers?: Record<string, string>; client?: Client } = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = options.client ?? new Client({ name: "gateway-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(at.mcpUrl), {
    requestInit: {
      headers: { authorization: `Bearer ${options.key ?? at.adminKey}`, ...options.headers },
    },
  });
  await client.connect(transport);
  return { client, transport };
}

export const BOTH = "application/json, text/event-stream";

/** A raw JSON-RPC POST (a request, or a notification without `id`) through the gateway. */
export function post(
  at: StreamingPlatform,
  message: Record<string, unknown>,
  options: {
    key?: string;
    accept?: string;
    session?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Response> {
  return fetch(at.mcpUrl, {
    method: "POST",
    headers: {
      authorization: `Bearer ${options.key ?? at.adminKey}`,
      "content-type": "application/json",
      accept: options.accept ?? BOTH,
      ...(options.session === undefined ? {} : { "mcp-session-id": options.session }),
      ...options.headers,
    },
    body: JSON.stringify({ jsonrpc: "2.0", ...message }),
  });
}

export const initialize = {
  id: 0,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1.0.0" },
  },
};

/** A session opened with raw requests, as a client does: initialize, then initialized. */
export async function rawSession(at: StreamingPlatform, key = at.adminKey): Promise<string> {
  const opened = await post(at, initialize, { key, accept: "application/json" });
  const session = opened.headers.get("mcp-session-id");
  await opened.arrayBuffer();
  if (opened.status !== 200 || session === null)
    throw new Error(`initialize got ${opened.status} without a session`);
  const initialized = await post(
    at,
    { method: "notifications/initialized" },
    { key, session, accept: "application/json" },
  );
  await initialized.arrayBuffer();
  if (initialized.status !== 202) throw new Error(`initialized got ${initialized.status}`);
  return session;
}
