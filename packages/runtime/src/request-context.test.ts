import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { describe, expect, it } from "vitest";
import {
  isRuntimeSecret,
  MAX_CONTEXT_TTL_MS,
  mintContext,
  readContext,
  runtimeSecretFor,
} from "./request-context.js";

const vault = new Vault(parseKeyRing(generateKeySpec("k1"), "test"));
const secretA = runtimeSecretFor(vault, "srv_a");
const secretB = runtimeSecretFor(vault, "srv_b");
const now = 1_000_000;

describe("request contexts", () => {
  it("are read back by the server they were minted for", () => {
    const token = mintContext(
      secretA,
      { userId: "usr_1", serverId: "srv_a", requestId: "r1" },
      now,
    );
    expect(readContext(secretA, token, "srv_a", now + 59_999)).toEqual({
      userId: "usr_1",
      serverId: "srv_a",
      requestId: "r1",
      expiresAt: now + MAX_CONTEXT_TTL_MS,
    });
  });

  it("live 15 minutes at most, however long they are asked to", () => {
    const token = mintContext(
      secretA,
      { userId: "u", serverId: "srv_a", requestId: "r" },
      now,
      3_600_000,
    );
    expect(MAX_CONTEXT_TTL_MS).toBe(15 * 60_000);
    expect(readContext(secretA, token, "srv_a", now + MAX_CONTEXT_TTL_MS - 1)).toMatchObject({
      userId: "u",
    });
    expect(readContext(secretA, token, "srv_a", now + MAX_CONTEXT_TTL_MS)).toEqual({
      problem: "expired",
    });
  });

  it("are refused by another server, with another secret, or once tampered with", () => {
    const token = mintContext(secretA, { userId: "usr_1", serverId: "srv_a", requestId: "r" }, now);
    expect(readContext(secretB, token, "srv_b", now)).toEqual({ problem: "invalid" });
    expect(readContext(secretA, token, "srv_b", now)).toEqual({ problem: "wrong_server" });
    const [body, tag] = token.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify(["usr_2", "srv_a", "r", now + 60_000])).toString(
      "base64url",
    );
    expect(readContext(secretA, `${forged}.${tag}`, "srv_a", now)).toEqual({ problem: "invalid" });
    expect(readContext(secretA, `${body}.`, "srv_a", now)).toEqual({ problem: "invalid" });
    expect(readContext(secretA, undefined, "srv_a", now)).toEqual({ problem: "invalid" });
  });

  it("come from per-server runtime secrets that only the platform can check", () => {
    expect(secretA).not.toBe(secretB);
    expect(isRuntimeSecret(vault, "srv_a", secretA)).toBe(true);
    expect(isRuntimeSecret(vault, "srv_b", secretA)).toBe(false);
    expect(isRuntimeSecret(vault, "srv_a", undefined)).toBe(false);
  });
});
