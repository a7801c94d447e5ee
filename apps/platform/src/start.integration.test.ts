import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readMigrations } from "@gumstack/db";
import { createScratchDatabase, testDriver } from "@gumstack/db/testing";
import { generateKeySpec } from "@gumstack/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runEntry, startPlatformProcess } from "./testing/start-process.js";

describe(`the start command [${testDriver}]`, () => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;

  beforeEach(async () => {
    const home = mkdtempSync(join(tmpdir(), "gumstack-start-"));
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    env = scratch.url
      ? { DATABASE_URL: scratch.url, GUMSTACK_VAULT_KEYS: generateKeySpec("k1") }
      : { GUMSTACK_DATA_DIR: join(home, "data") };
  });
  afterEach(async () => drop());

  it("answers /healthz with the database and the key ring, and comes back after a restart", async () => {
    const first = await startPlatformProcess(env);
    const health = await (await fetch(`${first.url}/healthz`)).json();
    expect(health).toMatchObject({
      status: "ok",
      database: { ok: true, driver: testDriver, migration: readMigrations().at(-1)?.name },
      keyRing: { primary: "k1", keys: ["k1"] },
    });
    expect(JSON.stringify(health)).not.toMatch(/[A-Za-z0-9+/]{43}=/);
    expect(await first.stop()).toBe(0);
    if (testDriver === "pglite") expect(first.output()).toContain("generated a vault key");

    const second = await startPlatformProcess(env);
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    expect(second.output()).not.toContain("generated a vault key");
    expect(second.output()).not.toContain("applied migrations");
    await second.stop();
  });

  it("stops at start-up with the wrong key, saying which", async () => {
    const first = await startPlatformProcess(env);
    await first.stop();
    const wrong = runEntry("main.ts", [], {
      ...env,
      GUMSTACK_PORT: "0",
      GUMSTACK_VAULT_KEYS: generateKeySpec("k1"),
    });
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toMatch(
      /could not start: the key "k1" in GUMSTACK_VAULT_KEYS is not the key "k1" this database was encrypted with/,
    );
  });

  it("stops at start-up on a bad variable, naming it", async () => {
    const bad = runEntry("main.ts", [], { ...env, GUMSTACK_VAULT_KEYS: "k1:tooshort" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(
      /GUMSTACK_VAULT_KEYS, key 1 \("k1"\): the key must be 32 random bytes/,
    );
    expect(bad.output()).not.toContain("tooshort");
  });
});
