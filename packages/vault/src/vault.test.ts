import { describe, expect, it } from "vitest";
import { parseEnvelope } from "./envelope.js";
import { VaultDecryptError } from "./errors.js";
import { generateKeySpec, parseKeyRing } from "./key-ring.js";
import { Vault } from "./vault.js";

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");
const here = { table: "connections", id: "con_aaaa", field: "access_token" };

function reason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof VaultDecryptError) return error.reason;
    throw error;
  }
  throw new Error("expected a VaultDecryptError");
}

/** Flips one bit of one part of the envelope, leaving the rest as it was. */
function flip(envelope: string, part: "iv" | "ciphertext" | "tag"): string {
  const parsed = parseEnvelope(envelope);
  if (!parsed) throw new Error("not an envelope");
  const { iv, sealed } = parsed;
  const index = { iv: 0, ciphertext: 0, tag: sealed.length - 1 }[part];
  const target = part === "iv" ? iv : sealed;
  target[index] = (target[index] ?? 0) ^ 0x01;
  return `v1.${parsed.keyId}.${iv.toString("base64url")}.${sealed.toString("base64url")}`;
}

describe("Vault", () => {
  const vault = new Vault(parseKeyRing(k1, "test"));

  it.each(["", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "ünïcødé 🔑", "x".repeat(100_000)])(
    "round-trips %#",
    (secret) => {
      expect(vault.decrypt(vault.encrypt(secret, here), here)).toBe(secret);
    },
  );

  it("decodes secrets of any size in any order (its decode buffers are reused)", () => {
    const sizes = [5000, 10, 70_000, 3000, 0, 40_000, 17, 65_536];
    const sealed = sizes.map((n, i) => [
      String(i).repeat(n),
      vault.encrypt(String(i).repeat(n), here),
    ]);
    for (const [plain, envelope] of [...sealed, ...sealed.reverse()]) {
      expect(vault.decrypt(envelope as string, here)).toBe(plain);
    }
  });

  it("uses a fresh IV for every write and never shows the plaintext", () => {
    const a = vault.encrypt("same secret", here);
    const b = vault.encrypt("same secret", here);
    expect(parseEnvelope(a)?.iv.equals(parseEnvelope(b)?.iv ?? Buffer.alloc(0))).toBe(false);
    expect(a).not.toContain("same secret");
    expect(a.startsWith("v1.k1.")).toBe(true);
  });

  it.each(["iv", "ciphertext", "tag"] as const)("refuses a tampered %s", (part) => {
    const sealed = vault.encrypt("secret", here);
    expect(reason(() => vault.decrypt(flip(sealed, part), here))).toBe("authentication_failed");
  });

  it.each([
    ["another row", { ...here, id: "con_bbbb" }],
    ["another field", { ...here, field: "refresh_token" }],
    ["another table", { ...here, table: "env_vars" }],
  ])("refuses a ciphertext moved to %s", (_, elsewhere) => {
    const sealed = vault.encrypt("secret", here);
    expect(reason(() => vault.decrypt(sealed, elsewhere))).toBe("authentication_failed");
  });

  it("refuses a relabelled key id, and an unknown one, without trying other keys", () => {
    const both = new Vault(parseKeyRing(`${k2},${k1}`, "test"));
    const underK1 = vault.encrypt("secret", here);
    expect(reason(() => both.decrypt(underK1.replace("v1.k1.", "v1.k2."), here))).toBe(
      "authentication_failed",
    );
    expect(reason(() => both.decrypt(underK1.replace("v1.k1.", "v1.k9."), here))).toBe(
      "unknown_key",
    );
  });

  it.each(["", "plaintext", "v2.k1.aaaa.bbbb", "v1.k1.short.AAAAAAAAAAAAAAAAAAAAAA", "v1..a.b"])(
    "refuses a malformed envelope %j",
    (text) => {
      expect(reason(() => vault.decrypt(text, here))).toBe("malformed");
    },
  );

  it("decrypts with every key in the ring and encrypts with the primary", () => {
    const old = vault.encrypt("old secret", here);
    const rotated = new Vault(parseKeyRing(`${k2},${k1}`, "test"));
    expect(rotated.decrypt(old, here)).toBe("old secret");
    expect(rotated.isStale(old)).toBe(true);
    const fresh = rotated.encrypt("new secret", here);
    expect(fresh.startsWith("v1.k2.")).toBe(true);
    expect(rotated.isStale(fresh)).toBe(false);
    expect(reason(() => vault.decrypt(fresh, here))).toBe("unknown_key");
  });

  it("signs per purpose, verifies under any key of the ring, and refuses anything changed", () => {
    const signature = vault.sign("ticket", "usr_1|srv_1");
    expect(vault.verify("ticket", "usr_1|srv_1", signature)).toBe(true);
    expect(vault.verify("ticket", "usr_2|srv_1", signature)).toBe(false);
    expect(vault.verify("context", "usr_1|srv_1", signature)).toBe(false);
    expect(vault.verify("ticket", "usr_1|srv_1", `${signature.slice(0, -2)}AA`)).toBe(false);
    expect(vault.verify("ticket", "usr_1|srv_1", "k9.abc")).toBe(false);
    expect(vault.verify("ticket", "usr_1|srv_1", "garbage")).toBe(false);
    const rotated = new Vault(parseKeyRing(`${k2},${k1}`, "test"));
    expect(rotated.verify("ticket", "usr_1|srv_1", signature)).toBe(true);
    expect(rotated.sign("ticket", "x").startsWith("k2.")).toBe(true);
  });

  it("names the row in its error, never the secret", () => {
    const sealed = vault.encrypt("hunter2", here);
    try {
      vault.decrypt(sealed, { ...here, id: "con_other" });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain("connections.access_token of con_other");
      expect(String(error)).not.toContain("hunter2");
    }
  });
});
