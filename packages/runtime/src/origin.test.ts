import { describe, expect, it } from "vitest";
import { crossOriginProblem, originsOf } from "./origin.js";

const ours = originsOf("https://gumstack.example/", ["https://inspector.example"]);

describe("crossOriginProblem", () => {
  it("lets our own pages and the configured origins act", () => {
    expect(
      crossOriginProblem({ origin: "https://gumstack.example", secFetchSite: "same-origin" }, ours),
    ).toBeNull();
    expect(
      crossOriginProblem({ origin: "https://inspector.example", secFetchSite: "cross-site" }, ours),
    ).toBeNull();
  });

  it("lets a request that is not from a browser page act (no Origin, no Sec-Fetch-Site)", () => {
    expect(crossOriginProblem({ origin: undefined, secFetchSite: undefined }, ours)).toBeNull();
    expect(crossOriginProblem({ origin: null, secFetchSite: "none" }, ours)).toBeNull();
  });

  it.each([
    ["another origin", { origin: "http://evil.example", secFetchSite: undefined }],
    ["our host on another scheme", { origin: "http://gumstack.example", secFetchSite: undefined }],
    [
      "our host on another port",
      { origin: "https://gumstack.example:8443", secFetchSite: undefined },
    ],
    ["an opaque origin (sandboxed frame, file:)", { origin: "null", secFetchSite: undefined }],
    ["no Origin but a cross-site fetch", { origin: undefined, secFetchSite: "cross-site" }],
    ["no Origin but a sibling subdomain", { origin: undefined, secFetchSite: "same-site" }],
  ])("refuses %s, naming it", (_, request) => {
    const problem = crossOriginProblem(request, ours);
    expect(problem).toMatch(/not allowed here/);
    if (request.origin) expect(problem).toContain(request.origin);
  });

  it("does not echo an unprintable Origin", () => {
    expect(crossOriginProblem({ origin: "http://x\u0000", secFetchSite: undefined }, ours)).toBe(
      "requests from an unprintable origin are not allowed here",
    );
  });
});
