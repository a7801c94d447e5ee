import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, type DatabaseHandle, mcpTokens } from "@gumstack/db";
import { createScratchDatabase, createTestDatabase, testDriver } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import { freePort } from "@gumstack/sdk/testing";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvite } from "../accounts/invites.js";
import { createListener } from "../app.js";
import { assembleServices } from "../boot.js";
import { createLocalRunner } from "../runner/index.js";
import { startPlatformProcess } from "../testing/start-process.js";
import { MCP_SCOPE, resourceOf } from "./contracts.js";
import {
  pairFor,
  pkce,
  postForm,
  REDIRECT_URI,
  seedClient,
  seedFlow,
  seedServer,
  tokensOf,
} from "./testing/fixtures.js";

const ROUNDS = 5;

/**
 * Two platforms on one database, a client refreshing one refresh token at both at once (two of
 * its threads, each on another instance behind a load balancer): one rotation per round, and
 * both answers carry the same pair. On Postgres they are two processes started as `npm start`
 * starts one; PGlite is embedded in one process, so there they are two Services on it.
 */
describe(`two platforms on one database [${testDriver}]`, () => {
  const publicUrl = "http://127.0.0.1:9";
  const cleanups: Array<() => Promise<unknown>> = [];
  let database: DatabaseHandle;
  let urls: [string, string];

  beforeAll(async () => {
    const keys = generateKeySpec("k1");
    const scratch = await createScratchDatabase();
    if (scratch.url) {
      cleanups.push(scratch.drop);
      const env = (name: string) => ({
        DATABASE_URL: scratch.url as string,
        GUMSTACK_VAULT_KEYS: keys,
        GUMSTACK_DATA_DIR: mkdtempSync(join(tmpdir(), `gumstack-${name}-`)),
        GUMSTACK_PUBLIC_URL: publicUrl,
      });
      // One after the other: the first applies the migrations. (Log level info: the test waits
      // for "listening on".)
      const first = await startPlatformProcess(env("first"));
      cleanups.push(() => first.stop());
      const second = await startPlatformProcess(env("second"));
      cleanups.push(() => second.stop());
      urls = [first.url, second.url];
      database = await createDatabase({ url: scratch.url });
      cleanups.push(() => database.close());
      return;
    }
    database = await createTestDatabase();
    cleanups.push(() => database.close());
    const vault = new Vault(parseKeyRing(keys, "test"));
    const log = createLogger({ level: "warn", format: "json", write: () => {} });
    const listening: string[] = [];
    for (let i = 0; i < 2; i++) {
      const runner = createLocalRunner({ log });
      cleanups.push(() => runner.close());
      const services = assembleServices({
        database,
        vault,
        log,
        migration: null,
        publicUrl,
        runner,
      });
      const server = createServer(createListener(services));
      const port = await freePort();
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      cleanups.push(() => new Promise((resolve) => server.close(resolve)));
      listening.push(`http://127.0.0.1:${port}`);
    }
    urls = listening as [string, string];
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("rotates once per round, and both get the same pair", async () => {
    const flow = await seedFlow(database.db, publicUrl, "shared", await seedClient(database.db));
    let tokens = await pairFor(database.db, urls[0], flow, Date.now());
    for (let round = 0; round < ROUNDS; round++) {
      const refresh = {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: flow.client.clientId,
      };
      const answers = await Promise.all(urls.map((url) => postForm(`${url}/oauth/token`, refresh)));
      const [a, b] = await Promise.all(answers.map(tokensOf));
      expect(a?.refresh_token).toBe(b?.refresh_token);
      expect(a?.access_token).toBe(b?.access_token);
      tokens = a as typeof tokens;
    }
    const family = await database.db
      .select()
      .from(mcpTokens)
      .where(eq(mcpTokens.grantId, flow.grantId));
    expect(family.filter((t) => t.kind === "refresh")).toHaveLength(ROUNDS + 1);
    expect(family.filter((t) => t.kind === "access")).toHaveLength(ROUNDS + 1);
    expect(family.every((t) => t.revokedAt === null)).toBe(true);
  });

  it("finishes on one a flow started on the other: consent page, Allow, code exchange", async () => {
    const [a, b] = urls;
    await seedServer(database.db, "across");
    const client = await seedClient(database.db);
    // A person signs up and in on A; the session is in the database, so B knows it too.
    const { token } = await createInvite(database.db, {
      createdBy: null,
      email: null,
      days: 1,
      now: Date.now(),
    });
    const signUp = await fetch(`${a}/api/auth/sign-up`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        invite: token,
        email: "across@example.com",
        password: "correct horse battery",
        name: "across",
      }),
    });
    expect(signUp.status).toBe(201);
    const cookie = (signUp.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const { verifier, challenge } = pkce();
    const query = new URLSearchParams({
      response_type: "code",
      client_id: client.clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "across-state",
      scope: MCP_SCOPE,
      resource: resourceOf(publicUrl, "across"),
    });
    // The consent page from A…
    const page = await fetch(`${a}/oauth/authorize?${query}`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status, html.slice(0, 300)).toBe(200);
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1]?.replaceAll("&amp;", "&");
    // …is answered at B (the sealed request is signed with the shared key ring)…
    const allowed = await fetch(`${b}/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie,
        origin: publicUrl,
        "sec-fetch-site": "same-origin",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        pending: field("pending") ?? "",
        csrf: field("csrf") ?? "",
        decision: "allow",
      }),
    });
    expect(allowed.status).toBe(303);
    const back = new URL(allowed.headers.get("location") ?? "");
    expect(back.searchParams.get("state")).toBe("across-state");
    expect(back.searchParams.get("iss")).toBe(publicUrl);
    // …and its code is exchanged at A.
    const tokens = await tokensOf(
      await postForm(`${a}/oauth/token`, {
        grant_type: "authorization_code",
        code: back.searchParams.get("code") ?? "",
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: client.clientId,
      }),
    );
    expect(tokens.access_token).toMatch(/^gsa_/);
    expect(tokens.refresh_token).toMatch(/^gsr_/);
  });
});
