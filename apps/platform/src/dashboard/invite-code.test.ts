import { describe, expect, it } from "vitest";
import { inviteCodeOf } from "./invite-code.js";

describe("inviteCodeOf: what the sign-up form's code field sends", () => {
  it("takes a code as typed, trimmed", () => {
    expect(inviteCodeOf("  abc_DEF-123 ")).toBe("abc_DEF-123");
  });

  it("takes the code out of a whole sign-up link pasted in", () => {
    expect(inviteCodeOf("http://127.0.0.1:8080/sign-up?invite=abc_DEF-123")).toBe("abc_DEF-123");
    expect(inviteCodeOf(" https://gumstack.example/sign-up?x=1&invite=tok ")).toBe("tok");
  });

  it("sends a link without a code, or a broken one, as typed: the API refuses it in its words", () => {
    expect(inviteCodeOf("https://gumstack.example/sign-up")).toBe(
      "https://gumstack.example/sign-up",
    );
    expect(inviteCodeOf("http://[not a url")).toBe("http://[not a url");
  });
});
