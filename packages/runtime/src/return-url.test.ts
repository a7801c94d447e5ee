import { describe, expect, it } from "vitest";
import { safeLocalPath, safeReturnUrl } from "./return-url.js";

const own = "https://gumstack.example";

describe("safeReturnUrl", () => {
  it("keeps paths of ours and URLs on our origin", () => {
    expect(safeReturnUrl("/servers/x?tab=1#top", own)).toBe("/servers/x?tab=1#top");
    expect(safeReturnUrl("/", own)).toBe("/");
    expect(safeReturnUrl(`${own}/keys`, own)).toBe(`${own}/keys`);
  });

  it.each([
    ["a tab that browsers drop", "/\t/evil.example"],
    ["an encoded tab, decoded by the query parser", decodeURIComponent("/%09/evil.example")],
    ["a newline (header injection, log forging)", "/ok\nlevel=info account connected"],
    ["a carriage return", "/ok\r\nset-cookie: x=1"],
    ["protocol-relative", "//evil.example"],
    ["a backslash, read as a slash", "/\\evil.example"],
    ["a space", "/a b"],
    ["a NUL", "/a\u0000"],
    ["non-ASCII", "/ünïcode"],
    ["another origin", "https://evil.example/"],
    ["a look-alike of our origin", "https://gumstack.example.evil.example/"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,hi"],
    ["credentials in the URL", "https://user:pw@gumstack.example/"],
    ["not a string", 42],
    ["too long", `/${"a".repeat(3000)}`],
    ["empty", ""],
  ])("refuses %s", (_, value) => {
    expect(safeReturnUrl(value, own)).toBeNull();
  });

  it("allows a URL under an allowed prefix, on whole path segments only", () => {
    const allowed = ["https://app.example/after/"];
    expect(safeReturnUrl("https://app.example/after/done", own, allowed)).toBe(
      "https://app.example/after/done",
    );
    expect(
      safeReturnUrl("https://app.example/afterwards", own, ["https://app.example/after"]),
    ).toBe(null);
    expect(safeReturnUrl("https://app.example/other", own, allowed)).toBeNull();
    expect(safeReturnUrl("https://app.example/", own, ["https://app.example"])).toBe(
      "https://app.example/",
    );
  });

  it("normalizes dot segments without leaving the site", () => {
    expect(safeLocalPath("/a/../b")).toBe("/b");
    expect(safeLocalPath("/../../etc")).toBe("/etc");
    expect(safeLocalPath("/%2e%2e/x")).toBe("/x");
  });
});
