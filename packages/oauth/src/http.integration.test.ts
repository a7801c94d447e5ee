import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { OAuthError, ProviderResponseError, ProviderUnavailableError } from "./errors.js";
import { oauthRequest } from "./http.js";
import {
  type Responder,
  type ScriptedServer,
  sendJson,
  startScriptedServer,
} from "./testing/scripted-server.js";

const fast = { backoff: { baseMs: 1, maxMs: 5 } };
let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(respond: Responder): Promise<string> {
  server = await startScriptedServer(respond);
  return `${server.url}/token`;
}

describe("oauthRequest", () => {
  it("retries a 503 and returns the next 200", async () => {
    const url = await serve((_, res, index) =>
      index === 0 ? sendJson(res, 503, { error: "busy" }) : sendJson(res, 200, { ok: true }),
    );
    const result = await oauthRequest(url, { method: "POST", form: { a: "1" }, ...fast });
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    expect(server?.requests).toHaveLength(2);
    expect(server?.requests[1]?.body).toBe("a=1");
    expect(server?.requests[1]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("gives up after the bounded attempts with ProviderUnavailableError", async () => {
    const url = await serve((_, res) => sendJson(res, 502, {}));
    const error = await oauthRequest(url, { method: "GET", attempts: 3, ...fast }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.status).toBe(502);
    expect(server?.requests).toHaveLength(3);
  });

  it("times out a hanging server, retries, then fails with the timeout as cause", async () => {
    const url = await serve(() => {});
    const error = await oauthRequest(url, {
      method: "GET",
      timeoutMs: 100,
      attempts: 2,
      ...fast,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain("timed out after 100 ms");
    expect(error.cause).toMatchObject({ name: "TimeoutError" });
    expect(server?.requests).toHaveLength(2);
  });

  it("waits for Retry-After on a 429", async () => {
    const url = await serve((_, res, index) => {
      if (index > 0) return sendJson(res, 200, { ok: true });
      res.writeHead(429, { "retry-after": "1" });
      res.end();
    });
    const started = Date.now();
    await expect(oauthRequest(url, { method: "GET", ...fast })).resolves.toMatchObject({
      status: 200,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("fails at once when Retry-After is longer than the cap", async () => {
    const url = await serve((_, res) => {
      res.writeHead(429, { "retry-after": "3600" });
      res.end();
    });
    const error = await oauthRequest(url, { method: "GET", ...fast }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 429, message: expect.stringContaining("3600 s") });
    expect(server?.requests).toHaveLength(1);
  });

  it("turns a 400 OAuth error into OAuthError, without retrying", async () => {
    const url = await serve((_, res) =>
      sendJson(res, 400, { error: "invalid_grant", error_description: "grant revoked" }),
    );
    const error = await oauthRequest(url, { method: "POST", form: {}, ...fast }).catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({
      code: "invalid_grant",
      description: "grant revoked",
      status: 400,
    });
    expect(server?.requests).toHaveLength(1);
  });

  it("reads a Bearer error from WWW-Authenticate (RFC 6750)", async () => {
    const url = await serve((_, res) => {
      res.writeHead(401, { "www-authenticate": 'Bearer realm="x", error="invalid_token"' });
      res.end();
    });
    const error = await oauthRequest(url, { method: "GET", bearer: "at" }).catch((e) => e);
    expect(error).toMatchObject({ name: "OAuthError", code: "invalid_token", status: 401 });
  });

  it.each([200, 404])("turns an HTML %i into ProviderResponseError", async (status) => {
    const url = await serve((_, res) => {
      res.writeHead(status, { "content-type": "text/html" });
      res.end("<html><body>access_token=leaked</body></html>");
    });
    const error = await oauthRequest(url, { method: "GET", ...fast }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error).toMatchObject({ status, message: expect.stringContaining("text/html") });
    expect(String(error)).not.toContain("leaked");
    expect(server?.requests).toHaveLength(1);
  });

  it("keeps tokens and the request body out of error messages", async () => {
    const url = await serve((_, res) => sendJson(res, 500, {}));
    const error = await oauthRequest(`${url}?code=query-secret`, {
      method: "POST",
      form: { code: "form-secret" },
      bearer: "bearer-secret",
      attempts: 1,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(`${error.message} ${String(error.cause)}`).not.toMatch(/secret/);
    expect(server?.requests[0]?.headers.authorization).toBe("Bearer bearer-secret");
  });

  it("passes the caller's abort through at once, unretried", async () => {
    const url = await serve(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("caller gave up")), 50);
    const error = await oauthRequest(url, {
      method: "GET",
      signal: controller.signal,
      ...fast,
    }).catch((e) => e);
    expect(error).toMatchObject({ message: "caller gave up" });
    expect(server?.requests).toHaveLength(1);
  });

  describe("idempotent: false (authorization-code exchange)", () => {
    it("does not retry once the server may have seen the request", async () => {
      const url = await serve((_, res) => sendJson(res, 503, {}));
      const error = await oauthRequest(url, { method: "POST", idempotent: false, ...fast }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(server?.requests).toHaveLength(1);
    });

    it("does not retry a timeout", async () => {
      const url = await serve(() => {});
      const options = { method: "POST", idempotent: false, timeoutMs: 100, ...fast } as const;
      await expect(oauthRequest(url, options)).rejects.toBeInstanceOf(ProviderUnavailableError);
      expect(server?.requests).toHaveLength(1);
    });

    it("retries a refused connection, which nothing received", async () => {
      const url = `http://127.0.0.1:${await closedPort()}/token`;
      let calls = 0;
      const counting: typeof fetch = (input, init) => {
        calls++;
        return fetch(input, init);
      };
      const error = await oauthRequest(url, {
        method: "POST",
        idempotent: false,
        fetch: counting,
        ...fast,
      }).catch((e) => e);
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(calls).toBe(3);
    });
  });
});

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}
