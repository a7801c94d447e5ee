import { servers } from "@gumstack/db";
import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { createUser, saveFieldValues } from "@gumstack/runtime";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseServerConfig } from "../config.js";
import { AuthTypeChangedError } from "../errors.js";
import { ensureServer } from "./server-record.js";

const cred = parseServerConfig({
  name: "crm",
  auth: { type: "cred", fields: [{ name: "api_key" }] },
});
const oauth = parseServerConfig({ name: "crm", auth: { type: "oauth" } });

describe(`a server's auth type [${testDriver}]`, () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => database.close());

  it("may change while the server stores nothing", async () => {
    const id = await ensureServer(database.db, cred);
    expect(await ensureServer(database.db, oauth)).toBe(id);
    expect((await database.db.select().from(servers))[0]?.authType).toBe("oauth");
  });

  it("is fixed once the server stores data: start-up stops with a clear message", async () => {
    const id = await ensureServer(database.db, cred);
    const vault = new Vault(parseKeyRing(generateKeySpec("k1"), "test"));
    const userId = await createUser(database.db, "ada");
    await saveFieldValues(database.db, vault, userId, id, { api_key: "secret-value" });
    await expect(ensureServer(database.db, oauth)).rejects.toThrow(AuthTypeChangedError);
    await expect(ensureServer(database.db, oauth)).rejects.toThrow(
      /the server "crm" stores cred data, so its auth type cannot become "oauth"/,
    );
    expect((await database.db.select().from(servers))[0]?.authType).toBe("cred");
  });
});
