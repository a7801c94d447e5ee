import { connections, type Id, users } from "@gumstack/db";
import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import { type AuthProvider, ProviderUnavailableError, type TokenResponse } from "@gumstack/oauth";
import {
  AuthTypeMismatchError,
  CredentialsUnavailableError,
  DeadlineExceededError,
  readTicket,
  saveFieldValues,
  UnknownUserError,
} from "@gumstack/runtime";
import { ManualClock } from "@gumstack/runtime/testing";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Broker } from "../broker.js";
import { tokenLocation } from "../connection-store.js";
import { seedConnection, seedUserAndServer } from "../testing/fixtures.js";
import { CredentialResolver } from "./resolver.js";
import type { CredentialServer, LinkPurpose, ResolverOptions } from "./types.js";

const vault = new Vault(parseKeyRing(generateKeySpec("k1"), "test"));
// Another installation's key: what it wrote, no key of ours opens.
const foreignVault = new Vault(parseKeyRing(generateKeySpec("k9"), "foreign"));
const tokens: TokenResponse = {
  accessToken: "at-stored-0001",
  refreshToken: "rt-stored-0001",
  tokenType: "Bearer",
  raw: {},
};
const refreshed: TokenResponse = { ...tokens, accessToken: "at-refreshed-0002", expiresIn: 3600 };

/** The two ways links are built today: the standalone host's and the platform's. */
const standaloneLink = (purpose: LinkPurpose, ticket: string) =>
  `http://127.0.0.1:8082/auth/${purpose === "connect" ? "start" : "form"}?ticket=${ticket}`;
const platformLink = (purpose: LinkPurpose, ticket: string, server: CredentialServer) =>
  `http://127.0.0.1:8080/auth/${purpose === "connect" ? "start" : "form"}/${server.name}?ticket=${ticket}`;

describe(`the credential resolver [${testDriver}]`, () => {
  let database: TestDatabase;
  let clock: ManualClock;
  let lines: string[];
  let provider: AuthProvider;
  let userId: Id<"user">;
  let serverId: Id<"server">;

  // One database for the file; every test seeds a user and a server of its own.
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());
  beforeEach(async () => {
    clock = new ManualClock();
    lines = [];
    provider = {
      name: "oidc",
      getUrl: () => new URL("https://idp.test/authorize"),
      exchange: async () => tokens,
      refresh: async () => refreshed,
      getNickname: async () => "ada",
    };
    ({ userId, serverId } = await seedUserAndServer(database.db));
  });

  function resolver(link: ResolverOptions["link"] = standaloneLink) {
    const log = createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) });
    const broker = new Broker({
      db: database.db,
      vault,
      log,
      provider: () => provider,
      callbackUrl: "http://127.0.0.1/auth/callback",
      clock,
      grantCacheTtlMs: 0,
      leaseTtlMs: 30_000,
      refreshTimeoutMs: 20_000,
    });
    return new CredentialResolver({
      db: database.db,
      vault,
      log,
      broker,
      link,
      environment: { WEATHER_API_KEY: "wk_0123456789abcdef" },
      now: clock.now,
    });
  }
  const oauthServer = (): CredentialServer => ({
    id: serverId,
    name: "tasks",
    auth: { type: "oauth", provider: "oidc" },
  });
  const credServer = (): CredentialServer => ({
    id: serverId,
    name: "crm",
    auth: {
      type: "cred",
      fields: [
        { name: "api_key", secret: true, optional: false },
        { name: "workspace", secret: false, optional: false },
        { name: "region", secret: false, optional: true },
      ],
    },
  });
  const ticketOf = (url: string, purpose: LinkPurpose) =>
    readTicket(vault, new URL(url).searchParams.get("ticket") ?? "", purpose, clock.now());
  const connection = async () =>
    (await database.db.select().from(connections).where(eq(connections.serverId, serverId)))[0];

  describe("none", () => {
    it("hands out the environment, synchronously", () => {
      const env = resolver().resolve({
        userId,
        server: { id: serverId, name: "weather", auth: { type: "none" } },
        kind: "none",
      });
      expect(env).toEqual({ WEATHER_API_KEY: "wk_0123456789abcdef" });
    });
  });

  describe("cred", () => {
    it("asks for the form first, linking where the caller says, with a ticket for this user", async () => {
      for (const link of [standaloneLink, platformLink]) {
        const answer = await resolver(link).resolve({ userId, server: credServer(), kind: "cred" });
        expect(answer).toMatchObject({
          status: "auth_required",
          reason: "credentials_missing",
          what: "crm",
        });
        if (answer.status !== "auth_required") throw new Error("unreachable");
        expect(answer.url).toMatch(
          link === standaloneLink
            ? /^http:\/\/127\.0\.0\.1:8082\/auth\/form\?ticket=/
            : /^http:\/\/127\.0\.0\.1:8080\/auth\/form\/crm\?ticket=/,
        );
        expect(ticketOf(answer.url, "form")).toMatchObject({ userId, serverId });
      }
    });

    it("asks again while a required field is missing, then hands out the values", async () => {
      await saveFieldValues(database.db, vault, userId, serverId, { api_key: "crm_live_0001" });
      expect(
        await resolver().resolve({ userId, server: credServer(), kind: "cred" }),
      ).toMatchObject({ status: "auth_required", reason: "credentials_missing" });
      await saveFieldValues(database.db, vault, userId, serverId, {
        api_key: "crm_live_0001",
        workspace: "acme",
      });
      expect(await resolver().resolve({ userId, server: credServer(), kind: "cred" })).toEqual({
        status: "ok",
        credentials: {
          values: { api_key: "crm_live_0001", workspace: "acme" },
          secret: ["api_key"],
        },
      });
    });

    it("asks for values no key opens again, with a warning that holds no value", async () => {
      await saveFieldValues(database.db, foreignVault, userId, serverId, {
        api_key: "crm_live_unreadable",
        workspace: "acme",
      });
      const answer = await resolver().resolve({ userId, server: credServer(), kind: "cred" });
      expect(answer).toMatchObject({ status: "auth_required", reason: "credentials_missing" });
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.level === "warn");
      expect(warning).toMatchObject({
        message: expect.stringContaining("could not be opened"),
        userId,
        reason: "unknown_key",
        row: expect.stringMatching(/^credentials\.values of crd_/),
      });
      expect(lines.join("\n")).not.toContain("crm_live_unreadable");
    });
  });

  describe("oauth", () => {
    it("links to connect an account, then hands out its token", async () => {
      const first = await resolver(platformLink).resolve({
        userId,
        server: oauthServer(),
        kind: "oauth",
      });
      expect(first).toMatchObject({
        status: "auth_required",
        reason: "not_connected",
        what: "oidc",
      });
      if (first.status !== "auth_required") throw new Error("unreachable");
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/auth\/start\/tasks\?ticket=/);
      expect(ticketOf(first.url, "connect")).toMatchObject({ userId, serverId });

      const expiresAt = new Date(clock.now() + 3_600_000);
      const row = await seedConnection(database.db, vault, { userId, serverId }, tokens, expiresAt);
      expect(await resolver().resolve({ userId, server: oauthServer(), kind: "oauth" })).toEqual({
        status: "ok",
        credentials: {
          access_token: "at-stored-0001",
          token_type: "Bearer",
          expires_at: expiresAt,
          scopes: [],
          provider: "oidc",
          nickname: "ada",
          connection_id: row.id,
          extras: {},
        },
      });
    });

    it("links to reconnect a revoked or needs_reauth connection", async () => {
      await seedConnection(database.db, vault, { userId, serverId }, tokens, null);
      for (const status of ["revoked", "needs_reauth"] as const) {
        await database.db
          .update(connections)
          .set({ status })
          .where(eq(connections.serverId, serverId));
        expect(
          await resolver().resolve({ userId, server: oauthServer(), kind: "oauth" }),
        ).toMatchObject({ status: "auth_required", reason: "needs_reauth", what: "oidc" });
      }
    });

    it("links to reconnect when no key opens the stored token, with a warning that holds no value", async () => {
      const row = await seedConnection(database.db, vault, { userId, serverId }, tokens, null);
      await database.db
        .update(connections)
        .set({
          accessToken: foreignVault.encrypt("at-unreadable", tokenLocation(row.id, "access_token")),
        })
        .where(eq(connections.id, row.id));
      const answer = await resolver().resolve({ userId, server: oauthServer(), kind: "oauth" });
      expect(answer).toMatchObject({ status: "auth_required", reason: "needs_reauth" });
      expect(lines.join("\n")).toContain("could not be opened");
      expect(lines.join("\n")).toContain(`connections.access_token of ${row.id}`);
      expect(lines.join("\n")).not.toContain("at-unreadable");
    });

    it("links to reconnect when no key opens the refresh token, and frees the lease", async () => {
      const row = await seedConnection(
        database.db,
        vault,
        { userId, serverId },
        tokens,
        new Date(clock.now() - 1_000),
      );
      await database.db
        .update(connections)
        .set({
          refreshToken: foreignVault.encrypt(
            "rt-unreadable",
            tokenLocation(row.id, "refresh_token"),
          ),
        })
        .where(eq(connections.id, row.id));
      const answer = await resolver().resolve({ userId, server: oauthServer(), kind: "oauth" });
      expect(answer).toMatchObject({ status: "auth_required", reason: "needs_reauth" });
      expect(await connection()).toMatchObject({ leaseOwner: null, status: "active" });
      expect(lines.join("\n")).not.toContain("rt-unreadable");
    });

    it("says a provider that cannot refresh now is unavailable, which is worth retrying", async () => {
      await seedConnection(
        database.db,
        vault,
        { userId, serverId },
        tokens,
        new Date(clock.now() - 1),
      );
      provider.refresh = async () => {
        throw new ProviderUnavailableError("the provider answered 502", 502);
      };
      const failure = resolver().resolve({ userId, server: oauthServer(), kind: "oauth" });
      await expect(failure).rejects.toBeInstanceOf(CredentialsUnavailableError);
      await expect(failure).rejects.toThrow("the oidc token cannot be refreshed now; try again");
      expect(await connection()).toMatchObject({ status: "active", leaseOwner: null });
    });

    it("waits for a slow refresh that fits in the deadline", async () => {
      await seedConnection(
        database.db,
        vault,
        { userId, serverId },
        tokens,
        new Date(clock.now() - 1),
      );
      provider.refresh = async () => {
        await clock.advance(16_000);
        return refreshed;
      };
      const answer = await resolver().resolve({
        userId,
        server: oauthServer(),
        kind: "oauth",
        deadline: clock.now() + 58_000,
      });
      expect(answer).toMatchObject({
        status: "ok",
        credentials: { access_token: "at-refreshed-0002" },
      });
    });

    it("gives up on a refresh that outlasts the deadline, saying the refresh timed out", async () => {
      await seedConnection(
        database.db,
        vault,
        { userId, serverId },
        tokens,
        new Date(clock.now() - 1),
      );
      provider.refresh = async () => {
        await clock.advance(12_000);
        return refreshed;
      };
      const failure = resolver()
        .resolve({ userId, server: oauthServer(), kind: "oauth", deadline: clock.now() + 10_000 })
        .catch((error: unknown) => error);
      const error = await failure;
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(error).toMatchObject({ hop: "refresh" });
      expect(String(error)).toContain("timed out at refresh");
      expect(await connection()).toMatchObject({ status: "active", leaseOwner: null });
    });
  });

  it("refuses a user who no longer exists, in every mode that has a link to give", async () => {
    await database.db.delete(users).where(eq(users.id, userId));
    for (const request of [
      { userId, server: credServer(), kind: "cred" as const },
      { userId, server: oauthServer(), kind: "oauth" as const },
    ]) {
      const failure = resolver().resolve(request);
      await expect(failure).rejects.toBeInstanceOf(UnknownUserError);
      await expect(failure).rejects.toThrow(`the user ${userId} no longer exists`);
    }
  });

  it("refuses a kind that is not the server's auth type, naming the right call", async () => {
    await expect(
      resolver().resolve({ userId, server: oauthServer(), kind: "cred" }),
    ).rejects.toThrow(
      new AuthTypeMismatchError(
        'tasks is an oauth server, so call getCredentials() (not getCredentials("cred"))',
      ),
    );
    await expect(
      resolver().resolve({ userId, server: credServer(), kind: "oauth" }),
    ).rejects.toThrow(
      'crm is a cred server, so call getCredentials("cred") (not getCredentials())',
    );
    expect(() => resolver().resolve({ userId, server: credServer(), kind: "none" })).toThrow(
      AuthTypeMismatchError,
    );
  });
});
