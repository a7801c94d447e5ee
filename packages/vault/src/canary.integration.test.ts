import { vaultCanaries } from "@gumstack/db";
import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyCanaries } from "./canary.js";
import { VaultKeyMismatchError } from "./errors.js";
import { generateKeySpec, parseKeyRing } from "./key-ring.js";
import { Vault } from "./vault.js";

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");
const ring = (spec: string) => new Vault(parseKeyRing(spec, "GUMSTACK_VAULT_KEYS"));

describe(`start-up key check [${testDriver}]`, () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => database.close());

  it("writes the primary's canary on first start and opens it afterwards", async () => {
    expect(await verifyCanaries(database.db, ring(k1))).toEqual({
      verified: ["k1"],
      wrotePrimary: true,
    });
    expect(await verifyCanaries(database.db, ring(k1))).toEqual({
      verified: ["k1"],
      wrotePrimary: false,
    });
  });

  it("stops on a different key under the same id, naming the variable", async () => {
    await verifyCanaries(database.db, ring(k1));
    const impostor = ring(generateKeySpec("k1"));
    await expect(verifyCanaries(database.db, impostor)).rejects.toThrow(VaultKeyMismatchError);
    await expect(verifyCanaries(database.db, impostor)).rejects.toThrow(
      /the key "k1" in GUMSTACK_VAULT_KEYS is not the key "k1" this database was encrypted with/,
    );
  });

  it("stops when no key in the ring belongs to this database, and writes nothing", async () => {
    await verifyCanaries(database.db, ring(k1));
    await expect(verifyCanaries(database.db, ring(k2))).rejects.toThrow(
      /none of the keys in GUMSTACK_VAULT_KEYS \("k2"\) opens this database, which was encrypted with "k1"/,
    );
    expect((await database.db.select().from(vaultCanaries)).map((c) => c.keyId)).toEqual(["k1"]);
  });

  it("accepts a new primary beside the old key and then the new key alone", async () => {
    await verifyCanaries(database.db, ring(k1));
    expect(await verifyCanaries(database.db, ring(`${k2},${k1}`))).toEqual({
      verified: ["k1", "k2"],
      wrotePrimary: true,
    });
    expect((await verifyCanaries(database.db, ring(k2))).verified).toEqual(["k2"]);
  });

  it("writes one canary when several instances start at once", async () => {
    const vault = ring(k1);
    const reports = await Promise.all([1, 2, 3, 4].map(() => verifyCanaries(database.db, vault)));
    expect(reports.every((r) => r.verified.includes("k1"))).toBe(true);
    expect(await database.db.select().from(vaultCanaries)).toHaveLength(1);
  });
});
