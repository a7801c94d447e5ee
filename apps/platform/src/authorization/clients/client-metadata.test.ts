import { describe, expect, it } from "vitest";
import { checkClientMetadata } from "./client-metadata.js";

const any = {
  requireName: false,
  authMethods: ["none", "client_secret_basic", "client_secret_post"],
} as const;
const claude = { redirect_uris: ["https://claude.ai/api/mcp/auth_callback"] };

describe("a client's metadata", () => {
  it("fills in RFC 7591's defaults and a readable name", () => {
    expect(checkClientMetadata(claude, any)).toEqual({
      ok: true,
      metadata: {
        redirect_uris: ["https://claude.ai/api/mcp/auth_callback"],
        client_name: "Unnamed app (claude.ai)",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    });
    const cursor = checkClientMetadata(
      { redirect_uris: ["cursor://anysphere.cursor-mcp/oauth/callback"] },
      any,
    );
    expect(cursor).toMatchObject({
      metadata: { client_name: "Unnamed app (anysphere.cursor-mcp)" },
    });
  });

  it("keeps what it knows and drops the rest", () => {
    const checked = checkClientMetadata(
      {
        ...claude,
        client_name: "  Claude  ",
        grant_types: ["authorization_code", "refresh_token"],
        token_endpoint_auth_method: "client_secret_post",
        client_uri: "https://claude.ai",
        logo_uri: "https://claude.ai/logo.png",
        scope: "mcp",
        software_id: "x",
      },
      any,
    );
    expect(checked).toEqual({
      ok: true,
      metadata: {
        redirect_uris: claude.redirect_uris,
        client_name: "Claude",
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        client_uri: "https://claude.ai",
        logo_uri: "https://claude.ai/logo.png",
      },
    });
  });

  it.each([
    [{}, "invalid_redirect_uri", /^redirect_uris: must be an array of URIs$/],
    [
      { redirect_uris: "https://claude.ai/cb" },
      "invalid_redirect_uri",
      /^redirect_uris: must be an array/,
    ],
    [{ redirect_uris: [] }, "invalid_redirect_uri", /redirect_uris: must list at least one/],
    [
      { redirect_uris: Array(11).fill("https://a.example/cb") },
      "invalid_redirect_uri",
      /at most 10/,
    ],
    [
      { redirect_uris: ["https://a.example/cb", "data:text/html,x"] },
      "invalid_redirect_uri",
      /^redirect_uris\.1: must not use the data: scheme$/,
    ],
    [{ redirect_uris: [7] }, "invalid_redirect_uri", /^redirect_uris\.0: must be a string$/],
    [{ ...claude, client_name: "" }, "invalid_client_metadata", /^client_name: must not be empty$/],
    [
      { ...claude, client_name: "x".repeat(101) },
      "invalid_client_metadata",
      /^client_name: must be at most 100/,
    ],
    [
      { ...claude, client_name: "Claude\u202egnp.exe" },
      "invalid_client_metadata",
      /^client_name: must not contain control/,
    ],
    [
      { ...claude, client_name: "Claude\nby Anthropic" },
      "invalid_client_metadata",
      /^client_name: must not contain control/,
    ],
    [{ ...claude, client_name: 5 }, "invalid_client_metadata", /^client_name: must be a string$/],
    [
      { ...claude, token_endpoint_auth_method: "private_key_jwt" },
      "invalid_client_metadata",
      /^token_endpoint_auth_method: private_key_jwt is not supported/,
    ],
    [
      { ...claude, token_endpoint_auth_method: "tls_client_auth" },
      "invalid_client_metadata",
      /^token_endpoint_auth_method: must be one of none, client_secret_basic, client_secret_post$/,
    ],
    [
      { ...claude, grant_types: ["implicit"] },
      "invalid_client_metadata",
      /^grant_types\.0: only authorization_code and refresh_token/,
    ],
    [
      { ...claude, grant_types: ["refresh_token"] },
      "invalid_client_metadata",
      /^grant_types: must include authorization_code/,
    ],
    [
      { ...claude, response_types: ["token"] },
      "invalid_client_metadata",
      /^response_types\.0: only code is supported$/,
    ],
    [
      { ...claude, client_uri: "http://claude.ai" },
      "invalid_client_metadata",
      /^client_uri: must be an https:\/\/ URL$/,
    ],
    [
      { ...claude, logo_uri: "javascript:alert(1)" },
      "invalid_client_metadata",
      /^logo_uri: must be an https:\/\/ URL$/,
    ],
  ])("refuses %j as %s, naming the field", (input, error, description) => {
    const checked = checkClientMetadata(input, any);
    expect(checked).toMatchObject({ ok: false, error });
    expect(checked.ok ? "" : checked.error_description).toMatch(description);
  });

  it("names every bad field, and calls it a redirect problem when one is among them", () => {
    const checked = checkClientMetadata(
      { redirect_uris: ["http://evil.example/cb"], client_uri: "http://x.example" },
      any,
    );
    expect(checked).toMatchObject({
      ok: false,
      error: "invalid_redirect_uri",
      error_description: expect.stringMatching(/^redirect_uris\.0: .*; client_uri: /),
    });
  });

  it("refuses what is not an object, and methods the caller does not take", () => {
    for (const input of [null, [], "x", 3]) {
      expect(checkClientMetadata(input, any)).toEqual({
        ok: false,
        error: "invalid_client_metadata",
        error_description: "body: must be a JSON object",
      });
    }
    const documentRules = { requireName: true, authMethods: ["none"] } as const;
    expect(checkClientMetadata(claude, documentRules)).toMatchObject({
      error_description: "client_name: required",
    });
    expect(
      checkClientMetadata(
        { ...claude, client_name: "C", token_endpoint_auth_method: "client_secret_basic" },
        documentRules,
      ),
    ).toMatchObject({ error_description: "token_endpoint_auth_method: must be none here" });
  });
});
