import { rateLimits } from "@gumstack/db";
import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Throttle } from "./throttle.js";

const limit = { what: "attempts", hits: 3, windowMs: 60_000 };

describe(`Throttle [${testDriver}]`, () => {
  let database: TestDatabase;
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const log = createLogger({ level: "error", format: "json", write: () => {} });
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  it("allows a key its hits in a window, then refuses with the time left, then allows again", async () => {
    const throttle = new Throttle(database.db, log, () => clock);
    for (let i = 0; i < 3; i++) expect(await throttle.hit("a", limit)).toEqual({ allowed: true });
    clock += 20_000;
    expect(await throttle.hit("a", limit)).toEqual({
      allowed: false,
      retryAfterSeconds: 40,
      what: "attempts",
    });
    expect(await throttle.hit("b", limit)).toEqual({ allowed: true });
    clock += 40_000;
    expect(await throttle.hit("a", limit)).toEqual({ allowed: true });
  });

  it("counts concurrent attempts exactly, across instances on one database", async () => {
    const one = new Throttle(database.db, log, () => clock);
    const two = new Throttle(database.db, log, () => clock);
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).hit("burst", limit)),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
  });

  it("forgets a key on reset, and sweeps expired windows", async () => {
    const throttle = new Throttle(database.db, log, () => clock);
    for (let i = 0; i < 4; i++) await throttle.hit("c", limit);
    await throttle.reset("c");
    expect(await throttle.hit("c", limit)).toEqual({ allowed: true });
    clock += 10 * 60_000;
    await throttle.hit("fresh", limit);
    // The sweep is not awaited by hit(): wait for it to land.
    for (let i = 0; i < 50; i++) {
      if ((await database.db.select().from(rateLimits)).length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const rows = await database.db.select().from(rateLimits);
    expect(rows).toHaveLength(1);
    // Keys are kept hashed: an address or an email never lands in the table.
    expect(rows[0]?.key).not.toContain("fresh");
  });
});
