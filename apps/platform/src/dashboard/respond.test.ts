import { describe, expect, it } from "vitest";
import { localPath } from "./respond.js";

describe("localPath: where sign-in may send the browser back to", () => {
  it("keeps a path on this site, with its query", () => {
    expect(localPath("/servers/example-none")).toBe("/servers/example-none");
    expect(localPath("/keys?notice=key-revoked")).toBe("/keys?notice=key-revoked");
  });

  it("sends anything else home", () => {
    for (const away of [
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example",
      "javascript:alert(1)",
      "/servers/a b",
      "/sign-in",
      undefined,
      42,
    ]) {
      expect(localPath(away), String(away)).toBe("/");
    }
  });
});
