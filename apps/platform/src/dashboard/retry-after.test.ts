import { describe, expect, it } from "vitest";
import { retryText } from "./retry-after.js";

describe("retryText: when a throttled sign-in may try again", () => {
  it("rounds Retry-After seconds up to whole minutes", () => {
    expect(retryText("1")).toBe("try again in 1 minute");
    expect(retryText("60")).toBe("try again in 1 minute");
    expect(retryText("61")).toBe("try again in 2 minutes");
    expect(retryText("900")).toBe("try again in 15 minutes");
  });

  it("says later when the header is absent or not delay-seconds", () => {
    for (const value of [null, "", "soon", "-5", "Wed, 21 Oct 2015 07:28:00 GMT"])
      expect(retryText(value), String(value)).toBe("try again later");
  });
});
