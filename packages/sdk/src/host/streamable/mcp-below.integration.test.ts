import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mcpBelow } from "./request.js";

/**
 * mcpBelow on a real Node server (@hono/node-server, as run() and the bridge listen): /mcp is
 * answered before Hono, from Node's own request; every other path, and the app mounted without
 * Node's request at hand, go through Hono as before.
 */
describe("mcpBelow", () => {
  const errors: unknown[] = [];
  const app = new Hono();
  app.all("/mcp", (c) => c.text("hono's /mcp"));
  app.get("/healthz", (c) => c.text("hono's /healthz"));
  const below = mcpBelow(
    app,
    async (request) => {
      if (request.header("x-fail") === "yes") throw new Error("the endpoint broke");
      return new Response(`below: ${request.method} ${new URL(request.url).search}`);
    },
    (error) => errors.push(error),
  );
  let server: ReturnType<typeof serve>;
  let base: string;

  beforeAll(async () => {
    server = await new Promise((resolve) => {
      const s = serve({ fetch: below.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const text = async (path: string, init?: RequestInit) =>
    (await fetch(`${base}${path}`, init)).text();

  it("answers /mcp, with or without a query, from Node's request, never through Hono", async () => {
    expect(await text("/mcp", { method: "POST", body: "{}" })).toBe("below: POST ");
    expect(await text("/mcp?x=1")).toBe("below: GET ?x=1");
  });

  it("leaves every other path to the app, /mcp/ and /mcpx included", async () => {
    expect(await text("/healthz")).toBe("hono's /healthz");
    expect((await fetch(`${base}/mcpx`)).status).toBe(404);
    expect((await fetch(`${base}/mcp/`)).status).toBe(404);
  });

  it("leaves /mcp to the app's own route when there is no Node request (mounted elsewhere)", async () => {
    const response = await below.fetch(new Request("http://in-process/mcp", { method: "POST" }));
    expect(await response.text()).toBe("hono's /mcp");
  });

  it("answers an error thrown on the way with a JSON-RPC 500, and hands the error to onError", async () => {
    const response = await fetch(`${base}/mcp`, { method: "POST", headers: { "x-fail": "yes" } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32603, message: "Internal error: something went wrong on our side" },
    });
    expect(errors).toEqual([new Error("the endpoint broke")]);
  });
});
