import { describe, expect, it } from "vitest";
import { describable } from "./oauth-error.js";

describe("error_description (RFC 6749 5.2)", () => {
  it("keeps what the RFC allows, replaces the rest, and stays short", () => {
    expect(describable("client_id: no client mcl_x is registered")).toBe(
      "client_id: no client mcl_x is registered",
    );
    expect(describable('client_id: no client "a\\b"\u00e9\n is registered')).toBe(
      "client_id: no client 'a?b'?? is registered",
    );
    expect(describable(`client_id: ${"x".repeat(1000)}`)).toHaveLength(300);
  });
});
