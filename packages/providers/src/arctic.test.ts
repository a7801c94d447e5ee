import type { AuthProvider } from "@gumstack/oauth";
import * as arctic from "arctic";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AtlassianProvider } from "./providers/atlassian.js";
import { DiscordProvider } from "./providers/discord.js";
import { GitHubProvider } from "./providers/github.js";
import { GitLabProvider } from "./providers/gitlab.js";
import { GoogleProvider } from "./providers/google.js";
import { LinearProvider } from "./providers/linear.js";
import { MicrosoftProvider } from "./providers/microsoft.js";
import { NotionProvider } from "./providers/notion.js";
import { SalesforceProvider } from "./providers/salesforce.js";

// arctic 3.7.0 is the reference for endpoints and fixed authorization parameters: for every
// provider it has, ours must send the user and the code to the same places. arctic makes no
// network call here: its global fetch is replaced for the test. (arctic's Slack class is "Sign
// in with Slack", another flow with other endpoints, so Slack is not compared.)
const redirect = "https://gum.test/auth/callback";
const verifier = "v".repeat(43);
const tokens = { access_token: "at", token_type: "Bearer", expires_in: 3600, refresh_token: "rt" };

interface ArcticCalls {
  url(): URL;
  exchange(): Promise<unknown>;
  revoke?: () => Promise<unknown>;
}

interface Case {
  ours: (fetch: typeof globalThis.fetch) => AuthProvider;
  arctic: ArcticCalls;
  scopes: string[];
}

const cases: Record<string, Case> = {
  github: {
    ours: (fetch) => new GitHubProvider({ clientId: "id", clientSecret: "secret", fetch }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", ["repo"]),
      exchange: () => a.validateAuthorizationCode("code"),
    }))(new arctic.GitHub("id", "secret", redirect)),
    scopes: ["repo"],
  },
  google: {
    ours: (fetch) => new GoogleProvider({ clientId: "id", clientSecret: "secret", fetch }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", verifier, ["openid", "email"]),
      exchange: () => a.validateAuthorizationCode("code", verifier),
      revoke: () => a.revokeToken("rt"),
    }))(new arctic.Google("id", "secret", redirect)),
    scopes: ["openid", "email"],
  },
  linear: {
    ours: (fetch) => new LinearProvider({ clientId: "id", clientSecret: "secret", fetch }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", ["read"]),
      exchange: () => a.validateAuthorizationCode("code"),
    }))(new arctic.Linear("id", "secret", redirect)),
    scopes: ["read"],
  },
  notion: {
    ours: (fetch) => new NotionProvider({ clientId: "id", clientSecret: "secret", fetch }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st"),
      exchange: () => a.validateAuthorizationCode("code"),
    }))(new arctic.Notion("id", "secret", redirect)),
    scopes: [],
  },
  atlassian: {
    ours: (fetch) => new AtlassianProvider({ clientId: "id", clientSecret: "secret", fetch }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", ["read:me"]),
      exchange: () => a.validateAuthorizationCode("code"),
    }))(new arctic.Atlassian("id", "secret", redirect)),
    scopes: ["read:me"],
  },
  microsoft: {
    ours: (fetch) =>
      new MicrosoftProvider({
        clientId: "id",
        clientSecret: "secret",
        tenant: "contoso.com",
        fetch,
      }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", verifier, ["User.Read"]),
      exchange: () => a.validateAuthorizationCode("code", verifier),
    }))(new arctic.MicrosoftEntraId("contoso.com", "id", "secret", redirect)),
    scopes: ["User.Read"],
  },
  gitlab: {
    ours: (fetch) =>
      new GitLabProvider({
        clientId: "id",
        clientSecret: "secret",
        urls: { gitlab: "https://git.example.com" },
        fetch,
      }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", ["read_user"]),
      exchange: () => a.validateAuthorizationCode("code"),
      revoke: () => a.revokeToken("rt"),
    }))(new arctic.GitLab("https://git.example.com", "id", "secret", redirect)),
    scopes: ["read_user"],
  },
  discord: {
    ours: (fetch) => new DiscordProvider({ clientId: "id", clientSecret: "secret", fetch }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", verifier, ["identify"]),
      exchange: () => a.validateAuthorizationCode("code", verifier),
      revoke: () => a.revokeToken("rt"),
    }))(new arctic.Discord("id", "secret", redirect)),
    scopes: ["identify"],
  },
  salesforce: {
    ours: (fetch) => new SalesforceProvider({ clientId: "id", clientSecret: "secret", fetch }),
    arctic: ((a) => ({
      url: () => a.createAuthorizationURL("st", verifier, ["api"]),
      exchange: () => a.validateAuthorizationCode("code", verifier),
      revoke: () => a.revokeToken("rt"),
    }))(new arctic.Salesforce("login.salesforce.com", "id", "secret", redirect)),
    scopes: ["api"],
  },
};

/** A fetch that records each request's URL and answers like a token endpoint. */
function recorder(): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const record: typeof fetch = async (input) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return Response.json(tokens);
  };
  return { fetch: record, urls };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(Object.entries(cases))("%s matches arctic 3.7.0", (_name, c) => {
  it("authorizes at the same endpoint with the same fixed parameters", async () => {
    const theirs = c.arctic.url();
    const ours = await c
      .ours(recorder().fetch)
      .getUrl(redirect, "st", { scopes: c.scopes, codeVerifier: verifier });
    expect(`${ours.origin}${ours.pathname}`).toBe(`${theirs.origin}${theirs.pathname}`);
    for (const [key, value] of theirs.searchParams) {
      if (key === "scope") continue;
      // Where arctic uses PKCE we do too, with the same challenge for the same verifier.
      expect([key, ours.searchParams.get(key)]).toEqual([key, value]);
    }
    const ourScopes = (ours.searchParams.get("scope") ?? "").split(/[ ,]/);
    for (const scope of c.scopes) expect(ourScopes).toContain(scope);
  });

  it("exchanges the code (and revokes) at the same endpoints", async () => {
    const theirs = recorder();
    vi.spyOn(globalThis, "fetch").mockImplementation(theirs.fetch);
    await c.arctic.exchange();
    await c.arctic.revoke?.();
    const ours = recorder();
    const provider = c.ours(ours.fetch);
    await provider.exchange("code", redirect, { codeVerifier: verifier });
    if (c.arctic.revoke) await provider.revoke?.("rt");
    // Our exchange may make a second call (Atlassian's sites); the first is the token request.
    expect(ours.urls[0]).toBe(theirs.urls[0]);
    if (c.arctic.revoke) expect(ours.urls.at(-1)).toBe(theirs.urls[1]);
  });
});
