import { connections } from "@gumstack/db";
import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { OAuth2Provider } from "@gumstack/oauth";
import {
  type Responder,
  type ScriptedServer,
  sendJson,
  startScriptedServer,
} from "@gumstack/oauth/testing";
import { DeadlineExceededError } from "@gumstack/runtime";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Broker } from "./broker.js";
import { tokenLocation } from "./connection-store.js";
import { ConnectionRequiredError, RefreshUnavailableError } from "./errors.js";
import { resolveOptions } from "./options.js";
import { quietLog, seedConnection, seedUserAndServer } from "./testing/fixtures.js";

const vault = new Vault(parseKeyRing(generateKeySpec("k1"), "test"));
const fresh = (access: string) => ({
  access_token: access,
  token_type: "Bearer",
  expires_in: 3600,
});
const original = {
  accessToken: "old-access",
  refreshToken: "old-refresh",
  tokenType: "Bearer",
  raw: {},
};

describe(`refresh failures [${testDriver}]`, () => {
  let database: TestDatabase;
  let token: ScriptedServer | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await token?.close();
    token = undefined;
    await database.close();
  });

  /** A connection expiring in `expiresInMs`, and a broker whose provider's token endpoint is scripted. */
  async function setUp(
    respond: Responder,
    expiresInMs: number,
    options: { timeoutMs?: number } = {},
  ) {
    token = await startScriptedServer(respond);
    const provider = new OAuth2Provider({
      name: "oidc",
      clientId: "c",
      clientSecret: "s",
      authorizationEndpoint: `${token.url}/authorize`,
      tokenEndpoint: `${token.url}/token`,
      attempts: 3,
      backoff: { baseMs: 1, maxMs: 5 },
    });
    const owner = await seedUserAndServer(database.db);
    const row = await seedConnection(
      database.db,
      vault,
      owner,
      original,
      new Date(Date.now() + expiresInMs),
    );
    const broker = new Broker({
      db: database.db,
      vault,
      log: quietLog,
      provider: () => provider,
      callbackUrl: "http://127.0.0.1/auth/callback",
      leaseTtlMs: 2_000,
      refreshTimeoutMs: options.timeoutMs ?? 1_500,
    });
    const read = async () =>
      (await database.db.select().from(connections).where(eq(connections.id, row.id)))[0];
    return {
      id: row.id,
      broker,
      request: { ...owner, provider: "oidc" },
      read,
      requests: () => token?.requests.length ?? 0,
    };
  }

  it("keeps the stored refresh token when the provider sends none", async () => {
    const { broker, request, read } = await setUp(
      (_, res) => sendJson(res, 200, fresh("new-access")),
      -1,
    );
    expect((await broker.accessToken(request)).accessToken).toBe("new-access");
    const row = await read();
    expect(
      vault.decrypt(row?.refreshToken ?? "", tokenLocation(row?.id ?? "", "refresh_token")),
    ).toBe("old-refresh");
    expect(row?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it("retries 5xx with backoff and succeeds, the connection never marked dead", async () => {
    const { broker, request, read, requests } = await setUp(
      (_, res, i) =>
        i < 2
          ? sendJson(res, 503, { error: "temporarily_unavailable" })
          : sendJson(res, 200, fresh("after-retries")),
      -1,
    );
    expect((await broker.accessToken(request)).accessToken).toBe("after-retries");
    expect(requests()).toBe(3);
    expect(await read()).toMatchObject({ status: "active", lastError: null, leaseOwner: null });
  });

  it("when the provider stays down: serves a still-valid token, or fails softly, and stays active", async () => {
    const down: Responder = (_, res) => sendJson(res, 502, { error: "bad gateway" });
    const within = await setUp(down, 30_000);
    expect((await within.broker.accessToken(within.request)).accessToken).toBe("old-access");
    expect(await within.read()).toMatchObject({ status: "active", leaseOwner: null });
    expect((await within.read())?.lastError).toMatch(/refresh failed/);
    await token?.close();

    const expired = await setUp(down, -1_000);
    await expect(expired.broker.accessToken(expired.request)).rejects.toThrow(
      RefreshUnavailableError,
    );
    expect(await expired.read()).toMatchObject({ status: "active", leaseOwner: null });
  });

  it("marks the connection needs_reauth on invalid_grant, and stops calling the provider", async () => {
    const { broker, request, read, requests } = await setUp(
      (_, res) => sendJson(res, 400, { error: "invalid_grant", error_description: "revoked" }),
      -1,
    );
    const failure = broker.accessToken(request);
    await expect(failure).rejects.toThrow(ConnectionRequiredError);
    await expect(failure).rejects.toMatchObject({ reason: "needs_reauth" });
    expect(await read()).toMatchObject({ status: "needs_reauth", leaseOwner: null });
    expect(requests()).toBe(1);
    await expect(broker.accessToken(request)).rejects.toMatchObject({ reason: "needs_reauth" });
    expect(requests()).toBe(1);
  });

  it("gives up on a provider that hangs before its lease runs out, and frees the lease", async () => {
    const { broker, request, read } = await setUp(() => {}, -1, { timeoutMs: 300 });
    const failure = broker.accessToken(request);
    await expect(failure).rejects.toThrow(DeadlineExceededError);
    await expect(failure).rejects.toMatchObject({ hop: "refresh" });
    expect(await read()).toMatchObject({
      status: "active",
      leaseOwner: null,
      leaseExpiresAt: null,
    });
  });

  it("takes over the lease of a process that died holding it", async () => {
    const { id, broker, request } = await setUp(
      (_, res) => sendJson(res, 200, fresh("taken-over")),
      -1,
    );
    await database.db
      .update(connections)
      .set({ leaseOwner: "dead-process", leaseExpiresAt: new Date(Date.now() - 1) })
      .where(eq(connections.id, id));
    expect((await broker.accessToken(request)).accessToken).toBe("taken-over");
  });

  it("waits for the live lease holder's token instead of calling the provider", async () => {
    const { id, broker, request, requests } = await setUp((_, res) => sendJson(res, 500, {}), -1);
    await database.db
      .update(connections)
      .set({ leaseOwner: "other-process", leaseExpiresAt: new Date(Date.now() + 1_500) })
      .where(eq(connections.id, id));
    const waiting = broker.accessToken(request);
    // The other process finishes its refresh: new token, lease released.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await database.db
      .update(connections)
      .set({
        accessToken: vault.encrypt("from-the-other-process", tokenLocation(id, "access_token")),
        expiresAt: new Date(Date.now() + 3_600_000),
        tokenVersion: 2,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(eq(connections.id, id));
    expect((await waiting).accessToken).toBe("from-the-other-process");
    expect(requests()).toBe(0);
  });

  it("serves a fresh token from memory for at most the cache's TTL after a disconnect elsewhere", async () => {
    const { id, request, requests } = await setUp((_, res) => sendJson(res, 500, {}), 3_600_000);
    let now = Date.now();
    const broker = new Broker({
      db: database.db,
      vault,
      log: quietLog,
      provider: () => undefined,
      callbackUrl: "http://127.0.0.1/auth/callback",
      now: () => now,
    });
    expect((await broker.accessToken(request)).accessToken).toBe("old-access");
    // Another process disconnects the account.
    await database.db.delete(connections).where(eq(connections.id, id));
    expect((await broker.accessToken(request)).accessToken).toBe("old-access");
    now += 2_001;
    await expect(broker.accessToken(request)).rejects.toMatchObject({ reason: "not_connected" });
    expect(requests()).toBe(0);
  });

  it("refuses timings where a refresh could outlive its lease", () => {
    const base = {
      db: database.db,
      vault,
      log: quietLog,
      provider: () => undefined,
      callbackUrl: "http://x/cb",
    };
    expect(() => resolveOptions({ ...base, leaseTtlMs: 1_000, refreshTimeoutMs: 1_000 })).toThrow(
      /shorter than leaseTtlMs/,
    );
    expect(() => resolveOptions({ ...base, stateTtlMs: 11 * 60_000 })).toThrow(
      /at most 10 minutes/,
    );
  });
});
