import { fileURLToPath } from "node:url";
import { connections, type Id, newId } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import type { AuthProvider } from "@gumstack/oauth";
import { runtimeSecretFor } from "@gumstack/runtime";
import { ManualClock } from "@gumstack/runtime/testing";
import { GumstackHost, getCredentials } from "@gumstack/sdk";
import { capturingLogger, connectClient, freePort, textOf } from "@gumstack/sdk/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployServer } from "./servers/deploy.js";
import { registerServer } from "./servers/register.js";
import { type SignedIn, type TestPlatform, testPlatform } from "./testing/api-client.js";
import { inProcessRunner } from "./testing/in-process-runner.js";

const exampleOauth = fileURLToPath(new URL("apps/example-oauth", `file://${repoRoot}`));
const REFRESHED = "at-after-a-slow-refresh";

/**
 * One deadline through the whole chain: tool → hosted process → platform → broker → the
 * server's own /internal/auth, where its provider runs. The hosted server runs in this process
 * (an in-process runner serves it to the real gateway), so that it, the platform and the broker
 * share one clock, which the provider moves: "taking 16 seconds" takes no time, and every hop's
 * timer sees those 16 seconds pass.
 */
describe(`one deadline from a tool down to its provider [${testDriver}]`, () => {
  const clock = new ManualClock();
  const runner = inProcessRunner();
  let platform: TestPlatform;
  let ada: SignedIn;
  let serverId: Id<"server">;
  let connectionId: Id<"connection">;
  let client: Client;
  /** What the provider's refresh does before it answers: set per test. */
  let refreshTakes: () => Promise<void>;
  const cleanups: Array<() => Promise<void>> = [];

  const provider: AuthProvider = {
    name: "slow",
    getUrl: () => new URL("https://idp.test/authorize"),
    exchange: async () => ({ accessToken: "unused", tokenType: "bearer", raw: {} }),
    refresh: async () => {
      await refreshTakes();
      return {
        accessToken: REFRESHED,
        refreshToken: "rt-2",
        expiresIn: 3600,
        tokenType: "bearer",
        raw: {},
      };
    },
    getNickname: async () => "ada",
  };

  beforeAll(async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url, clock, runnerOf: () => runner });
    cleanups.push(() => platform.close());
    cleanups.push(await platform.listen());
    const admin = await platform.signUpAdmin("admin@example.com");
    ada = await platform.signUp("ada@example.com");
    const server = await registerServer(
      platform.services,
      exampleOauth,
      admin.userId as Id<"user">,
    );
    serverId = server.id;

    const mcp = new McpServer({ name: "example-oauth", version: "1.0.0" });
    mcp.registerTool("token", { description: "gets a token now" }, async () => {
      const { access_token } = await getCredentials();
      return {
        content: [{ type: "text", text: access_token === REFRESHED ? "refreshed" : "old" }],
      };
    });
    mcp.registerTool(
      "late-token",
      { description: "gets a token 45 s into its request (after asking its user, say)" },
      async () => {
        await clock.advance(45_000);
        const { access_token } = await getCredentials();
        return {
          content: [{ type: "text", text: access_token === REFRESHED ? "refreshed" : "old" }],
        };
      },
    );
    const host = new GumstackHost(
      mcp,
      { name: "example-oauth", auth: { type: "oauth" } },
      {
        env: {
          GUMSTACK_HOST: "127.0.0.1",
          GUMSTACK_PORT: "0",
          GUMSTACK_SERVER_ID: serverId,
          GUMSTACK_RUNTIME_SECRET: runtimeSecretFor(platform.services.vault, serverId),
          GUMSTACK_PLATFORM_URL: url,
        },
        clock,
        log: capturingLogger().log,
      },
    );
    host.registerAuth(provider);
    const hosted = await host.run([]);
    cleanups.push(() => hosted.close());
    runner.serveAt(hosted.url);
    // The real deploy: it reads gumstack.yaml, asks the process for its provider, records both.
    await deployServer(platform.services, server);

    connectionId = newId("connection");
    const seal = (value: string, field: string) =>
      platform.services.vault.encrypt(value, { table: "connections", id: connectionId, field });
    await platform.database.db.insert(connections).values({
      id: connectionId,
      userId: ada.userId as Id<"user">,
      serverId,
      provider: "slow",
      nickname: "ada",
      accessToken: seal("at-old", "access_token"),
      refreshToken: seal("rt-1", "refresh_token"),
      tokenType: "bearer",
      scopes: [],
    });
    const created = await platform.call("POST", "/api/keys", { as: ada, body: { name: "mcp" } });
    const { key } = (await created.json()) as { key: string };
    client = await connectClient(url, key, "/mcp/example-oauth");
    cleanups.push(() => client.close());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const expireToken = () =>
    platform.database.db
      .update(connections)
      .set({ expiresAt: new Date(clock.now() - 1_000) })
      .where(eq(connections.id, connectionId));
  const row = async () =>
    (
      await platform.database.db.select().from(connections).where(eq(connections.id, connectionId))
    )[0];

  it("waits for a refresh that takes 16 s, well inside the request's deadline: the tool gets its token", async () => {
    await expireToken();
    refreshTakes = () => clock.advance(16_000);
    const result = await client.callTool({ name: "token", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe("refreshed");
    expect(await row()).toMatchObject({ status: "active", leaseOwner: null, lastError: null });
  });

  it("gives a tool that asks late in a long request its own wait: 45 s in, a 16 s refresh succeeds", async () => {
    // With the context's minute as the credentials' deadline, this one had 15 s left: it failed.
    await expireToken();
    refreshTakes = () => clock.advance(16_000);
    const result = await client.callTool({ name: "late-token", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe("refreshed");
  });

  it("gives up on a refresh that outlasts the broker's own limit, saying which hop timed out", async () => {
    await expireToken();
    // The broker's 20 s (less each hop's margin) is inside the tool's 30 s wait: it gives up first.
    refreshTakes = () => clock.advance(25_000);
    const result = await client.callTool({ name: "token", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      "timed out at provider (the platform's call to the server's AuthProvider, /internal/auth); try again",
    );
    expect(await row()).toMatchObject({
      status: "active",
      leaseOwner: null,
      lastError: expect.stringContaining("DeadlineExceededError"),
    });
  });
});
