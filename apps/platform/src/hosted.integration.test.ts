import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { users } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { connectClient, freePort, textOf } from "@gumstack/sdk/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createListener } from "./app.js";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "./testing/api-client.js";

const exampleNone = fileURLToPath(new URL("apps/example-none", `file://${repoRoot}`));
const exampleCred = fileURLToPath(new URL("apps/example-cred", `file://${repoRoot}`));

/** Polls `check` every 100 ms until it holds; gives up after `limitMs`. */
async function eventually(
  check: () => Promise<boolean>,
  limitMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

describe(`hosting example-none through the gateway [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let admin: SignedIn;
  let client: Client;
  let clientKey: string;
  let stopServer: () => Promise<void>;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // A first restart that waits 3 s: long enough to see the gateway answer 503 meanwhile.
    platform = await testPlatform({
      publicUrl: url,
      runner: { restartBackoff: { baseMs: 3_000, maxMs: 3_000 } },
    });
    const server = createServer(createListener(platform.services));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    expect((server.address() as AddressInfo).port).toBe(port);
    stopServer = () => new Promise((resolve) => server.close(() => resolve()));
    admin = await platform.signUp("admin@example.com");
    await platform.database.db
      .update(users)
      .set({ isAdmin: true })
      .where(eq(users.id, admin.userId as never));
  });
  afterAll(async () => {
    await client?.close();
    await stopServer?.();
    await platform?.close();
  });

  const api = (method: string, path: string, body?: unknown) =>
    callOver(url, admin, method, path, body);
  const summary = async () =>
    (await (await api("GET", "/api/servers/example-none")).json()) as {
      status: string;
      redeployPending: boolean;
    };
  const forecast = async () =>
    textOf(await client.callTool({ name: "forecast", arguments: { city: "Oslo" } }));
  /** A new process holds none of the old one's sessions (404): a client initializes again. */
  const reconnect = async () => {
    await client.close();
    client = await connectClient(url, clientKey, "/mcp/example-none");
  };

  it("registers and runs the server, serving its tool to an MCP client through /mcp/<server>", async () => {
    const registered = await api("POST", "/api/servers", { path: exampleNone });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({
      name: "example-none",
      authType: "none",
      status: "running",
      redeployPending: false,
    });
    const { key } = (await (await api("POST", "/api/keys", { name: "test" })).json()) as {
      key: string;
    };
    clientKey = key;
    client = await connectClient(url, key, "/mcp/example-none");
    expect(await forecast()).toBe(
      "Forecast for Oslo: 18° metric (API key missing: set WEATHER_API_KEY)",
    );
  });

  it("shows a variable only after the redeploy it asks for", async () => {
    expect(
      (
        await api("PUT", "/api/servers/example-none/env/WEATHER_API_KEY", {
          value: "wk_0123456789abcdef",
        })
      ).status,
    ).toBe(201);
    expect(await summary()).toMatchObject({ redeployPending: true });
    expect(await forecast()).toContain("API key missing");
    const redeployed = await api("POST", "/api/servers/example-none/deploy");
    expect(redeployed.status).toBe(200);
    expect(await redeployed.json()).toMatchObject({ status: "running", redeployPending: false });
    await reconnect();
    expect(await forecast()).toBe("Forecast for Oslo: 18° metric (API key configured)");
  });

  it("answers 503 while the process is down and serves again once it is restarted", async () => {
    const { runner } = platform.services;
    const server = (await (await api("GET", "/api/servers/example-none")).json()) as { id: string };
    const pid = runner.status(server.id)?.pid as number;
    process.kill(pid, "SIGKILL");
    await eventually(
      async () => (await summary()).status !== "running",
      10_000,
      "the runner to see the crash",
    );
    const { key } = (await (await api("POST", "/api/keys", { name: "probe" })).json()) as {
      key: string;
    };
    const down = await fetch(`${url}/mcp/example-none`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${key}`,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      error: { code: -32000, message: expect.stringContaining("not running") },
    });
    await eventually(async () => (await summary()).status === "running", 30_000, "the restart");
    await reconnect();
    expect(await forecast()).toBe("Forecast for Oslo: 18° metric (API key configured)");
    expect(runner.status(server.id)?.restarts).toBeGreaterThanOrEqual(1);
  });

  it("hosts a cred server: the user fills the platform's form once, then the tool has their values", async () => {
    expect((await api("POST", "/api/servers", { path: exampleCred })).status).toBe(201);
    const { key } = (await (await api("POST", "/api/keys", { name: "cred" })).json()) as {
      key: string;
    };
    const crm = await connectClient(url, key, "/mcp/example-cred");
    try {
      const first = await crm.callTool({ name: "workspace_info", arguments: {} });
      expect(first.isError).toBe(true);
      const link = /(http:\/\/\S+\/auth\/form\/example-cred\?ticket=\S+)/.exec(
        textOf(first),
      )?.[1] as string;
      expect(link.startsWith(url)).toBe(true);
      // In the browser of the user the link was made for, signed in.
      const cookie = { cookie: admin.cookie };
      const page = await (await fetch(link, { headers: cookie })).text();
      const ticket = /name="ticket" value="([^"]+)"/.exec(page)?.[1] as string;
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;
      const saved = await fetch(`${url}/auth/form/example-cred`, {
        method: "POST",
        headers: cookie,
        body: new URLSearchParams({
          ticket,
          csrf,
          api_key: "crm_live_secret_value",
          workspace: "acme",
        }),
      });
      expect(saved.status).toBe(200);
      expect(textOf(await crm.callTool({ name: "workspace_info", arguments: {} }))).toMatch(
        /^Workspace acme, key fingerprint [0-9a-f]{8}$/,
      );
    } finally {
      await crm.close();
    }
  });

  it("records the tool calls served through the gateway in the owner's activity view", async () => {
    interface Activity {
      tools: Array<{ tool: string; calls: number; errors: number; authRequired: number }>;
      recent: Array<{ tool: string; outcome: string; userEmail: string | null }>;
    }
    const activity = async (server: string) =>
      (await (await api("GET", `/api/servers/${server}/activity?hours=1`)).json()) as Activity;
    // Hosted servers report every second: wait for the cred server's two calls to arrive.
    await eventually(
      async () => (await activity("example-cred")).recent.length >= 2,
      15_000,
      "example-cred's activity",
    );
    const cred = await activity("example-cred");
    expect(cred.tools).toEqual([
      expect.objectContaining({ tool: "workspace_info", calls: 2, errors: 0, authRequired: 1 }),
    ]);
    // Newest first: the call after the form was filled, then the one that asked for it.
    expect(cred.recent.map((r) => [r.tool, r.outcome, r.userEmail])).toEqual([
      ["workspace_info", "ok", "admin@example.com"],
      ["workspace_info", "auth_required", "admin@example.com"],
    ]);
    await eventually(
      async () => (await activity("example-none")).recent.length > 0,
      15_000,
      "example-none's activity",
    );
    const none = await activity("example-none");
    expect(none.tools.map((t) => t.tool)).toEqual(["forecast"]);
    expect(none.recent.every((r) => r.outcome === "ok")).toBe(true);
  });

  it("the hosted process refuses a request that did not come through the gateway", async () => {
    const server = (await (await api("GET", "/api/servers/example-none")).json()) as { id: string };
    const port = platform.services.runner.status(server.id)?.port as number;
    const direct = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(direct.status).toBe(401);
  });
});
