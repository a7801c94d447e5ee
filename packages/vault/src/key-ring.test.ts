import { chmodSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { VaultConfigError } from "./errors.js";
import { loadOrCreateKeyFile } from "./key-file.js";
import { generateKeySpec, parseKeyRing } from "./key-ring.js";
import { resolveKeyRing } from "./resolve-key-ring.js";

const material = Buffer.alloc(32, 7).toString("base64");

describe("parseKeyRing", () => {
  it("makes the first key primary and keeps the rest for decryption", () => {
    const ring = parseKeyRing(
      `new:${material}, old:${Buffer.alloc(32, 1).toString("base64")}`,
      "X",
    );
    expect(ring.primary.id).toBe("new");
    expect([...ring.keys.keys()]).toEqual(["new", "old"]);
  });

  it.each([
    ["", /X is empty/],
    [material, /X, key 1: expected id:base64key/],
    [`bad id:${material}`, /X, key 1 \("bad id"\): expected id:base64key/],
    [`a:${material},a:${material}`, /X, key 2 \("a"\): the id "a" is listed twice/],
    [
      `a:${Buffer.alloc(16).toString("base64")}`,
      /X, key 1 \("a"\): the key must be 32 random bytes .* \(got 16 bytes\)/,
    ],
  ])("refuses %j naming the variable and the key", (spec, message) => {
    expect(() => parseKeyRing(spec, "X")).toThrow(message);
  });

  it("never puts key material in an error", () => {
    const short = Buffer.alloc(31, 9).toString("base64");
    expect(() => parseKeyRing(`a:${short}`, "X")).toThrow(VaultConfigError);
    try {
      parseKeyRing(`a:${short}`, "X");
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
  });

  it("generates keys that parse", () => {
    expect(parseKeyRing(generateKeySpec("k7"), "X").primary.id).toBe("k7");
  });
});

describe("the embedded key file", () => {
  it("is created once with mode 0600, announced once, and reused", () => {
    const path = join(mkdtempSync(join(tmpdir(), "gumstack-key-")), "nested", "vault.key");
    const log = vi.fn();
    const first = loadOrCreateKeyFile(path, log);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toContain(path);
    expect(log.mock.calls[0]?.[0]).not.toContain(readFileSync(path, "utf8").split(":")[1]?.trim());
    const second = loadOrCreateKeyFile(path, log);
    expect(log).toHaveBeenCalledTimes(1);
    expect(second.primary.id).toBe(first.primary.id);
  });

  it("is refused when others can read it", () => {
    const path = join(mkdtempSync(join(tmpdir(), "gumstack-key-")), "vault.key");
    loadOrCreateKeyFile(path, () => {});
    chmodSync(path, 0o644);
    expect(() => loadOrCreateKeyFile(path, () => {})).toThrow(/readable by others .*chmod 600/);
  });
});

describe("resolveKeyRing", () => {
  const keyFile = join(tmpdir(), "never-created", "vault.key");

  it("prefers GUMSTACK_VAULT_KEYS and names it in errors", () => {
    const ring = resolveKeyRing({ keys: `a:${material}`, keyFile, embedded: true, log: () => {} });
    expect(ring.source).toBe("GUMSTACK_VAULT_KEYS");
    expect(() => resolveKeyRing({ keys: "a:xx", keyFile, embedded: true, log: () => {} })).toThrow(
      /GUMSTACK_VAULT_KEYS, key 1/,
    );
  });

  it("never runs on Postgres without configured keys", () => {
    expect(() =>
      resolveKeyRing({ keys: undefined, keyFile, embedded: false, log: () => {} }),
    ).toThrow(/GUMSTACK_VAULT_KEYS is not set/);
  });
});
