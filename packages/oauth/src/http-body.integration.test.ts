import { afterEach, describe, expect, it } from "vitest";
import { oauthRequest } from "./http.js";
import { OAuth2Provider } from "./oauth2-provider.js";
import { type ScriptedServer, sendJson, startScriptedServer } from "./testing/index.js";

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("oauthRequest bodies and methods for provider APIs", () => {
  it("sends a JSON body with its content type", async () => {
    server = await startScriptedServer((_, res) => sendJson(res, 200, { ok: true }));
    await oauthRequest(`${server.url}/graphql`, {
      method: "POST",
      json: { query: "{ viewer { id } }" },
    });
    expect(server.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ query: "{ viewer { id } }" });
  });

  it("sends DELETE, reads a 204 as an empty body, and does not follow a redirect", async () => {
    server = await startScriptedServer((req, res) => {
      if (req.path === "/grant") return void res.writeHead(204).end();
      res.writeHead(307, { location: "/grant" }).end();
    });
    const answer = await oauthRequest(`${server.url}/grant`, { method: "DELETE", json: {} });
    expect(answer).toMatchObject({ status: 204, body: undefined });
    expect(server.requests[0]?.method).toBe("DELETE");
    await expect(oauthRequest(`${server.url}/moved`, { method: "DELETE" })).rejects.toMatchObject({
      name: "ProviderResponseError",
      status: 307,
    });
  });

  it("refuses a request with both a form and a JSON body", async () => {
    await expect(
      oauthRequest("http://127.0.0.1:9/x", { method: "POST", form: { a: "b" }, json: {} }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});

describe("OAuth2Provider signal", () => {
  it("ends a call at once when the provider's signal aborts, with its reason", async () => {
    const controller = new AbortController();
    server = await startScriptedServer(() => controller.abort(new Error("shutting down")));
    const provider = new OAuth2Provider({
      clientId: "cid",
      authorizationEndpoint: `${server.url}/authorize`,
      tokenEndpoint: `${server.url}/token`,
      signal: controller.signal,
    });
    await expect(provider.refresh("rt")).rejects.toThrow("shutting down");
    expect(server.requests).toHaveLength(1);
  });
});
