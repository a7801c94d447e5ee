import { describe, expect, it } from "vitest";
import { isUnsentFailure } from "./unsent-failure.js";

function withCode(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe("isUnsentFailure", () => {
  it("sees a refused connection inside fetch's TypeError", () => {
    expect(
      isUnsentFailure(new TypeError("fetch failed", { cause: withCode("ECONNREFUSED") })),
    ).toBe(true);
  });

  it("needs every address of an AggregateError to have been unreachable", () => {
    const refused = new AggregateError([withCode("ECONNREFUSED"), withCode("ENETUNREACH")]);
    const mixed = new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNRESET")]);
    expect(isUnsentFailure(new TypeError("fetch failed", { cause: refused }))).toBe(true);
    expect(isUnsentFailure(new TypeError("fetch failed", { cause: mixed }))).toBe(false);
  });

  it("treats a reset, a timeout or anything unknown as possibly sent", () => {
    expect(isUnsentFailure(new TypeError("fetch failed", { cause: withCode("ECONNRESET") }))).toBe(
      false,
    );
    expect(isUnsentFailure(new DOMException("timed out", "TimeoutError"))).toBe(false);
    expect(isUnsentFailure("ECONNREFUSED")).toBe(false);
  });

  it("stops on a cyclic cause chain", () => {
    const error = new Error("loop");
    error.cause = error;
    expect(isUnsentFailure(error)).toBe(false);
  });
});
