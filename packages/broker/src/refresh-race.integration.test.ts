import { fileURLToPath } from "node:url";
import { connections } from "@gumstack/db";
import {
  createTestDatabase,
  spawnTypeScript,
  type TestDatabase,
  testDriver,
} from "@gumstack/db/testing";
import { OAuth2Provider } from "@gumstack/oauth";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Broker } from "./broker.js";
import { quietLog, seedConnection, seedUserAndServer } from "./testing/fixtures.js";

const CALLBACK = "http://127.0.0.1/auth/callback";
const PROCESSES = 2;
const CALLS_EACH = 30;

/** Runs CALLS_EACH concurrent accessToken() calls in a child process, released by `go()`. */
function racer(env: Record<string, string>) {
  const child = spawnTypeScript(
    fileURLToPath(new URL("./testing/race-child.ts", import.meta.url)),
    {
      env,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const { stdin, stdout } = child as {
    stdin: NodeJS.WritableStream;
    stdout: NodeJS.ReadableStream;
  };
  let output = "";
  stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    stdout.on("data", () => output.includes("ready\n") && resolve());
    child.once("exit", (code) => reject(new Error(`racer exited ${code} before ready`)));
  });
  const tokens = new Promise<string[]>((resolve, reject) => {
    child.once("exit", (code) => {
      const line = output.split("\n").find((l) => l.startsWith("["));
      if (code !== 0 || !line) reject(new Error(`racer exited ${code}: ${output}`));
      else resolve(JSON.parse(line) as string[]);
    });
  });
  return { ready, tokens, go: () => stdin.end("go\n") };
}

describe(`one refresh for many concurrent callers [${testDriver}]`, () => {
  let as: TestAuthServer;
  let database: TestDatabase;
  let provider: OAuth2Provider;
  const keys = generateKeySpec("k1");
  const vault = new Vault(parseKeyRing(keys, "test"));

  beforeAll(async () => {
    as = await startTestAuthServer({ redirectUris: [CALLBACK] });
    database = await createTestDatabase();
    provider = await OAuth2Provider.discover(as.issuer, {
      clientId: as.clientId,
      clientSecret: as.clientSecret,
    });
  });
  afterAll(async () => {
    await database?.close();
    await as?.close();
  });

  it(`${PROCESSES * CALLS_EACH} callers in ${PROCESSES} ${testDriver === "postgres" ? "processes" : "brokers (PGlite serves one process)"} make one refresh request`, async () => {
    // A real connection: authorized at the provider, then stored as nearly expired.
    const { createCodeVerifier } = await import("@gumstack/oauth");
    const codeVerifier = createCodeVerifier();
    const authorizeUrl = provider.getUrl(CALLBACK, "s", {
      codeVerifier,
      scopes: ["openid", "offline_access"],
    });
    const back = await as.authorize(authorizeUrl.toString(), { account: "ada" });
    const tokens = await provider.exchange(back.searchParams.get("code") as string, CALLBACK, {
      codeVerifier,
    });
    const owner = await seedUserAndServer(database.db);
    const connection = await seedConnection(
      database.db,
      vault,
      owner,
      tokens,
      new Date(Date.now() + 5_000),
    );
    expect(as.counts().refreshToken).toBe(0);

    let results: string[][];
    if (database.url) {
      const racers = Array.from({ length: PROCESSES }, () =>
        racer({
          RACE_DATABASE_URL: database.url as string,
          RACE_KEYS: keys,
          RACE_ISSUER: as.issuer,
          RACE_CLIENT_ID: as.clientId,
          RACE_CLIENT_SECRET: as.clientSecret,
          RACE_USER: owner.userId,
          RACE_SERVER: owner.serverId,
          RACE_CALLS: String(CALLS_EACH),
        }),
      );
      await Promise.all(racers.map((r) => r.ready));
      for (const r of racers) r.go();
      results = await Promise.all(racers.map((r) => r.tokens));
    } else {
      // Separate brokers do not share their in-process coalescing: only the lease keeps them apart.
      const brokers = Array.from(
        { length: PROCESSES },
        () =>
          new Broker({
            db: database.db,
            vault,
            log: quietLog,
            provider: () => provider,
            callbackUrl: CALLBACK,
          }),
      );
      results = await Promise.all(
        brokers.map((b) =>
          Promise.all(
            Array.from({ length: CALLS_EACH }, () => b.accessToken({ ...owner, provider: "oidc" })),
          ).then((grants) => grants.map((g) => g.accessToken)),
        ),
      );
    }

    const all = results.flat();
    expect(all).toHaveLength(PROCESSES * CALLS_EACH);
    expect(as.counts().refreshToken).toBe(1);
    expect(new Set(all).size).toBe(1);
    expect(all[0]).not.toBe(tokens.accessToken);
    const [row] = await database.db.select().from(connections);
    expect(row).toMatchObject({
      id: connection.id,
      tokenVersion: 2,
      leaseOwner: null,
      status: "active",
    });
    // The new token works at the provider.
    expect(await provider.getNickname(all[0] as string)).toBe("ada");
  });
});
