import { describe, expect, it } from "vitest";
import { CookieJar } from "./cookie-jar.js";

const at = (path: string) => new URL(`http://127.0.0.1:9${path}`);

describe("CookieJar", () => {
  it("sends a cookie only under its path", () => {
    const jar = new CookieJar();
    jar.store(at("/auth"), [
      "_interaction=abc; path=/interaction/u1; httponly",
      "_session=s; path=/",
    ]);
    expect(jar.header(at("/interaction/u1"))).toBe("_interaction=abc; _session=s");
    expect(jar.header(at("/interaction/u10"))).toBe("_session=s");
    expect(jar.header(at("/auth/u1"))).toBe("_session=s");
  });

  it("forgets a cookie that is expired or cleared", () => {
    const jar = new CookieJar();
    jar.store(at("/"), ["a=1; path=/", "b=2; path=/; max-age=1"], 0);
    jar.store(at("/"), ["a=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT"], 0);
    expect(jar.header(at("/"), 500)).toBe("b=2");
    expect(jar.header(at("/"), 1000)).toBeUndefined();
  });

  it("defaults the path to the request's directory", () => {
    const jar = new CookieJar();
    jar.store(at("/a/b/c"), ["x=1"]);
    expect(jar.header(at("/a/b/d"))).toBe("x=1");
    expect(jar.header(at("/a"))).toBeUndefined();
  });
});
