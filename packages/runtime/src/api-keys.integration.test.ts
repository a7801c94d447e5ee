import { apiKeys } from "@gumstack/db";
import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiKeyVerifier, createUser, issueApiKey } from "./api-keys.js";

const quiet = createLogger({ level: "error", format: "json", write: () => {} });

describe(`API keys [${testDriver}]`, () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => database.close());

  it("are shown once, stored as a hash, and resolve to their user", async () => {
    const userId = await createUser(database.db, "ada");
    const { id, key } = await issueApiKey(database.db, userId, "laptop");
    expect(key).toMatch(/^gsk_[a-z2-7]{32}$/);
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(JSON.stringify(row)).not.toContain(key);
    const verifier = new ApiKeyVerifier(database.db, quiet);
    expect(await verifier.verify(`Bearer ${key}`)).toBe(userId);
    for (const bad of [
      undefined,
      "",
      key,
      `Bearer ${key}x`,
      `Bearer ${key.slice(0, -1)}${key.endsWith("a") ? "b" : "a"}`,
      `Basic ${key}`,
    ]) {
      expect(await verifier.verify(bad)).toBeNull();
    }
  });

  it("stop working once revoked: at once uncached, within the cache's TTL otherwise", async () => {
    const userId = await createUser(database.db, "ada");
    const { id, key } = await issueApiKey(database.db, userId, "laptop");
    let now = Date.now();
    const cached = new ApiKeyVerifier(database.db, quiet, {
      cacheTtlMs: 2_000,
      now: () => now,
    });
    const uncached = new ApiKeyVerifier(database.db, quiet, { cacheTtlMs: 0 });
    expect(await cached.verify(`Bearer ${key}`)).toBe(userId);
    await database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
    expect(await uncached.verify(`Bearer ${key}`)).toBeNull();
    expect(await cached.verify(`Bearer ${key}`)).toBe(userId);
    now += 2_001;
    expect(await cached.verify(`Bearer ${key}`)).toBeNull();
  });
});
