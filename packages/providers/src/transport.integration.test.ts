import { OAuthError, ProviderUnavailableError } from "@gumstack/oauth";
import {
  type Responder,
  type ScriptedServer,
  sendJson,
  startScriptedServer,
} from "@gumstack/oauth/testing";
import { afterEach, describe, expect, it } from "vitest";
import { catalog, providerNames } from "./catalog.js";
import { type CatalogProviderOptions, createCatalogProvider } from "./create.js";

// What every catalog provider must do with a failing network, whatever its quirks: time out,
// retry only what is safe to retry, honour the caller's abort, and type its failures. Each one is
// built from the catalog as a server would build it, with a fetch that sends its calls here.
// The oidc entry discovers its endpoints first; oidc.integration.test.ts covers it.
const names = providerNames.filter((name) => name !== "oidc");
const tokens = { access_token: "at", token_type: "Bearer", expires_in: 3600, refresh_token: "rt" };

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function build(
  name: string,
  respond: Responder,
  extra: Partial<CatalogProviderOptions> = {},
) {
  const stub = await startScriptedServer(respond);
  server = stub;
  const entry = catalog[name];
  if (!entry) throw new Error(`no entry ${name}`);
  // Every host the provider calls is this server: only the path and query are kept.
  const local: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    return fetch(`${stub.url}${url.pathname}${url.search}`, init);
  };
  return createCatalogProvider(name, {
    env: { [entry.env.clientId]: "id", [entry.env.clientSecret]: "secret" },
    fetch: local,
    backoff: { baseMs: 1, maxMs: 2 },
    ...extra,
  });
}

describe.each(names)("%s over a failing network", (name) => {
  it("retries a refresh answered 503, then succeeds", async () => {
    const provider = await build(name, (_, res, index) =>
      sendJson(res, index === 0 ? 503 : 200, index === 0 ? {} : tokens),
    );
    expect((await provider.refresh("rt-old")).accessToken).toBe("at");
    expect(server?.requests).toHaveLength(2);
  });

  it("does not retry an exchange answered 503: the code may have been spent", async () => {
    const provider = await build(name, (_, res) => sendJson(res, 503, {}));
    await expect(
      provider.exchange("code", "https://gum.test/auth/callback", {}),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(server?.requests).toHaveLength(1);
  });

  it("gives up on a provider that does not answer, after its timeout", async () => {
    const provider = await build(name, () => {}, { timeoutMs: 50, attempts: 2 });
    const error = await provider.refresh("rt").catch((e) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain("timed out after 50 ms");
    expect(server?.requests).toHaveLength(2);
  });

  it("stops at once when its signal aborts, with the caller's reason, without retrying", async () => {
    const controller = new AbortController();
    const provider = await build(name, () => controller.abort(new Error("shutting down")), {
      signal: controller.signal,
    });
    await expect(provider.getNickname("at")).rejects.toThrow("shutting down");
    expect(server?.requests).toHaveLength(1);
  });

  it("reads a refused refresh token as invalid_grant, and does not retry it", async () => {
    const provider = await build(name, (_, res) =>
      sendJson(res, 400, { error: "invalid_grant", error_description: "revoked" }),
    );
    const error = await provider.refresh("rt-gone").catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe("invalid_grant");
    expect(server?.requests).toHaveLength(1);
  });
});
