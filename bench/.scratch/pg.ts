import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, migrate, connections, users, servers, newId } from "@gumstack/db";
import { and, desc, eq, sql } from "drizzle-orm";
const h = await createDatabase({ dataDir: join(mkdtempSync(join(tmpdir(), "scr-")), "data") });
const db = h.db;
await migrate(db);
const u = newId("user"); const s = newId("server");
await db.insert(users).values({ id: u, name: "x" });
await db.insert(servers).values({ id: s, name: "x", authType: "oauth" });
await db.insert(connections).values({ id: newId("connection"), userId: u, serverId: s, provider: "p", nickname: "n", accessToken: "a", tokenType: "bearer", scopes: [], expiresAt: new Date() });
const q = () => db.select().from(connections).where(and(eq(connections.userId, u), eq(connections.serverId, s), eq(connections.provider, "p"))).orderBy(desc(eq(connections.status, "active")), desc(connections.connectedAt)).limit(1);
const prepared = q().prepare("q1");
const simple = () => db.select().from(connections).where(and(eq(connections.userId, u), eq(connections.serverId, s), eq(connections.provider, "p"))).limit(1);
const client = (db as unknown as { $client: { query: (t: string, p?: unknown[]) => Promise<unknown>; exec: (t: string) => Promise<unknown> } }).$client;
const rawSql = q().toSQL();
console.log(rawSql.sql);
const ops: [string, () => Promise<unknown>][] = [
  ["select 1 (drizzle execute)", () => db.execute(sql`select 1`)],
  ["client.query('select 1')", () => client.query("select 1")],
  ["broker query (drizzle)", q],
  ["broker query prepared", () => prepared.execute()],
  ["broker query raw client.query", () => client.query(rawSql.sql, rawSql.params)],
  ["no orderBy (drizzle)", simple],
  ["raw rowMode array", () => client.query(rawSql.sql, rawSql.params, { rowMode: "array" })],
  ["raw + parsers", () => client.query(rawSql.sql, rawSql.params, { parsers: { 1184: (v: string) => v, 1114: (v: string) => v } })],
  ["raw narrow select", () => client.query('select id, provider, nickname, status, access_token, token_type, scopes, expires_at from connections where user_id = $1 and server_id = $2 and provider = $3 order by status = $4 desc, connected_at desc limit 1', [u, s, "p", "active"])],
];
for (let round = 0; round < 3; round++) for (const [name, op] of ops) {
  const N = 3000; const t: number[] = [];
  for (let i = 0; i < N; i++) { const s0 = process.hrtime.bigint(); await op(); t.push(Number(process.hrtime.bigint() - s0) / 1e6); }
  t.sort((a, b) => a - b);
  if (round === 2) console.log(name.padEnd(34), (t[N / 2] as number).toFixed(3), (t[Math.floor(N * 0.99)] as number).toFixed(3));
}
await h.close();
