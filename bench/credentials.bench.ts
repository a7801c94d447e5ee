// `npm run bench:credentials`: `getCredentials()` inside a tool call of an oauth server, in
// process, for a connection whose token is fresh (no refresh), with what it is made of timed on
// its own: the broker's database read of the connection row, and the decrypt of its token.
// Embedded PGlite by default; DATABASE_URL (with GUMSTACK_VAULT_KEYS) measures on that Postgres.
//
// The call context, the local credential source and the set-up helpers are not exported from
// their packages: a benchmark may reach into their source by relative path; product code may not.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker, CredentialResolver } from "@gumstack/broker";
import { connections, users } from "@gumstack/db";
import { createLogger } from "@gumstack/log";
import { createUser, loadConfig, openStore } from "@gumstack/runtime";
import { type AuthProvider, getCredentials, parseServerConfig } from "@gumstack/sdk";
import { and, desc, eq } from "drizzle-orm";
import { grantOf, saveConnection } from "../packages/broker/src/connection-store.js";
import { type CallContext, callContext } from "../packages/sdk/src/context.js";
import { LocalCredentialSource } from "../packages/sdk/src/host/local-source.js";
import { ensureServer } from "../packages/sdk/src/host/server-record.js";

const WARM_UP = 2_000;
const BLOCKS = 10;
const PER_BLOCK = 2_000;
const TARGET_P50_MS = 0.3;
const ACCESS_TOKEN = "x".repeat(40);
const PROVIDER = "bench";
// Each block starts on a clean heap, so no call pays for the garbage of the one before it.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

let providerCalls = 0;
const refuse = (what: string) => () => {
  providerCalls++;
  throw new Error(`the benchmark's provider was asked to ${what}: the token should be fresh`);
};
// Every method throws: a fresh token must never reach the provider. A refresh that failed would
// still hand out the old token (it is within its lifetime), so the calls are counted as well.
const provider: AuthProvider = {
  name: PROVIDER,
  getUrl: refuse("build an authorization URL"),
  exchange: refuse("exchange a code"),
  refresh: refuse("refresh a token"),
  getNickname: refuse("name an account"),
};

const tmp = mkdtempSync(join(tmpdir(), "gumstack-bench-credentials-"));
const runtime = loadConfig({
  GUMSTACK_DATA_DIR: join(tmp, "data"),
  DATABASE_URL: process.env.DATABASE_URL,
  GUMSTACK_VAULT_KEYS: process.env.GUMSTACK_VAULT_KEYS,
});
const log = createLogger({
  level: "warn",
  format: "pretty",
  write: (line) => process.stderr.write(`${line}\n`),
});
const store = await openStore(runtime, log);
const { db, driver } = store.database;
const { vault } = store;
let userId: Awaited<ReturnType<typeof createUser>> | undefined;

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

try {
  const config = parseServerConfig({
    name: "bench",
    description: "",
    auth: { type: "oauth", provider: PROVIDER },
  });
  const serverId = await ensureServer(db, config);
  userId = await createUser(db, "bench");
  // Default settings: a fresh grant is reused from memory for up to 2 s ("warm"); and the same
  // broker with that cache off, so every call reads the database ("cold", a sporadic caller).
  const brokerOptions = {
    db,
    vault,
    log,
    provider: (name: string) => (name === PROVIDER ? provider : undefined),
    callbackUrl: "http://127.0.0.1/auth/callback",
  };
  const broker = new Broker(brokerOptions);
  const coldBroker = new Broker({ ...brokerOptions, grantCacheTtlMs: 0 });
  await saveConnection(db, vault, {
    userId,
    serverId,
    provider: PROVIDER,
    nickname: "bench",
    tokens: {
      accessToken: ACCESS_TOKEN,
      refreshToken: "r",
      expiresIn: 3600,
      tokenType: "bearer",
      raw: {},
    },
    expiresAt: new Date(Date.now() + 3_600_000),
    requestedScopes: [],
  });
  const sourceOf = (over: Broker) =>
    new LocalCredentialSource(
      new CredentialResolver({
        db,
        vault,
        log,
        broker: over,
        link: (_purpose, ticket) => `http://127.0.0.1/auth/start?ticket=${ticket}`,
        now: Date.now,
      }),
      { id: serverId, name: config.name, auth: { type: "oauth", provider: PROVIDER } },
    );
  const source = sourceOf(broker);
  const coldSource = sourceOf(coldBroker);
  const user = userId;
  const request = { userId: user, serverId, provider: PROVIDER };
  // The broker's own query (Broker.accessToken), to time the database read alone.
  const readRow = () =>
    db
      .select()
      .from(connections)
      .where(
        and(
          eq(connections.userId, user),
          eq(connections.serverId, serverId),
          eq(connections.provider, PROVIDER),
        ),
      )
      .orderBy(desc(eq(connections.status, "active")), desc(connections.connectedAt))
      .limit(1);
  const [row] = await readRow();
  if (!row) throw new Error("the connection was not stored");

  const expectToken = (token: string) => {
    if (token !== ACCESS_TOKEN) throw new Error("got another access token than the stored one");
  };
  // A new context per call, as the host makes one per request; made outside the timed part.
  const newContext = (cold = false): CallContext => ({
    userId: user,
    serverId,
    requestId: "bench",
    source: cold ? coldSource : source,
    handedOut: new Set(),
  });
  const operations: { name: string; run: (context: CallContext) => Promise<void> }[] = [
    {
      name: "getCredentials() warm",
      run: async (context) =>
        expectToken((await callContext.run(context, () => getCredentials())).access_token),
    },
    {
      name: "getCredentials() cold",
      run: async () =>
        expectToken((await callContext.run(newContext(true), () => getCredentials())).access_token),
    },
    {
      name: "  broker.accessToken() cold",
      run: async () => expectToken((await coldBroker.accessToken(request)).accessToken),
    },
    {
      name: "    database read (its select)",
      run: async () => {
        const [read] = await readRow();
        if (!read) throw new Error("the connection row is gone");
      },
    },
    {
      name: "    decrypt (grantOf)",
      run: async () => expectToken(grantOf(vault, row).accessToken),
    },
  ];

  const samples = operations.map(() => new Float64Array(BLOCKS * PER_BLOCK));
  async function block(index: number, count: number, into: Float64Array | null, offset: number) {
    const { run } = operations[index] as (typeof operations)[number];
    gc();
    for (let i = 0; i < count; i++) {
      const context = newContext();
      const started = process.hrtime.bigint();
      await run(context);
      if (into) into[offset + i] = Number(process.hrtime.bigint() - started) / 1e6;
    }
  }
  for (let i = 0; i < operations.length; i++) await block(i, WARM_UP, null, 0);
  // Rotate which operation goes first in each block, so none always runs on a fresher heap.
  for (let b = 0; b < BLOCKS; b++) {
    for (let k = 0; k < operations.length; k++) {
      const i = (b + k) % operations.length;
      await block(i, PER_BLOCK, samples[i] as Float64Array, b * PER_BLOCK);
    }
  }
  if (providerCalls > 0) throw new Error(`the provider was called ${providerCalls} times`);

  const rows = operations.map(({ name }, i) => {
    const sorted = (samples[i] as Float64Array).slice().sort();
    const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
    return {
      name,
      p50: percentile(sorted, 50),
      cells: [
        name,
        percentile(sorted, 50).toFixed(3),
        percentile(sorted, 90).toFixed(3),
        percentile(sorted, 99).toFixed(3),
        mean.toFixed(3),
        Math.round(1000 / mean).toLocaleString("en-US"),
      ],
    };
  });
  const header = ["operation", "p50 ms", "p90 ms", "p99 ms", "mean ms", "calls/s"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r.cells[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join("  ");
  const warm = (rows[0] as (typeof rows)[number]).p50;
  const cold = (rows[1] as (typeof rows)[number]).p50;
  const verdict = (ms: number) => `${ms.toFixed(3)} ms: ${ms <= TARGET_P50_MS ? "met" : "not met"}`;
  process.stdout.write(
    `node ${process.version}, database: ${driver}${driver === "pglite" ? " (embedded, in this process)" : ""}\n` +
      `${(BLOCKS * PER_BLOCK).toLocaleString("en-US")} timed calls of each after ` +
      `${WARM_UP.toLocaleString("en-US")} warm-up, one at a time, in ${BLOCKS} blocks of ` +
      `${PER_BLOCK.toLocaleString("en-US")} in rotating order` +
      `${"gc" in globalThis ? ", gc before each block" : ""}\n` +
      "oauth server, connection token fresh for an hour: no refresh " +
      `(provider calls: ${providerCalls}); calls/s = 1000 / mean, sequential\n` +
      `${line(header)}\n${rows.map((r) => line(r.cells)).join("\n")}\n` +
      "warm: the default 2 s grant cache (calls in a burst); cold: cache off (a sporadic call)\n" +
      `target: getCredentials() p50 <= ${TARGET_P50_MS.toFixed(3)} ms; warm ${verdict(warm)}; cold ${verdict(cold)}\n`,
  );
} finally {
  // On a shared Postgres, leave nothing behind but the server row (the user's rows cascade).
  if (userId !== undefined) await db.delete(users).where(eq(users.id, userId));
  await store.database.close();
  rmSync(tmp, { recursive: true, force: true });
}
