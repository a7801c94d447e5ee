import type { AuthProvider } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { CatalogProvider } from "./base.js";
import { catalog, providerNames } from "./catalog.js";
import { createCatalogProvider } from "./create.js";
import { ProviderConfigError } from "./env.js";

/** A complete environment for `name`, as an operator would set it. */
function envFor(name: string): Record<string, string> {
  const entry = catalog[name];
  if (!entry) throw new Error(`no entry ${name}`);
  const env: Record<string, string> = {
    [entry.env.clientId]: `${name}-id`,
    [entry.env.clientSecret]: `${name}-secret`,
  };
  if (name === "oidc") env.OIDC_ISSUER = "https://id.example.com";
  return env;
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected it to throw");
}

function urlOf(provider: AuthProvider, scopes: readonly string[] = []): URL {
  const url = provider.getUrl("https://gum.test/auth/callback", "st", { scopes });
  if (!(url instanceof URL)) throw new Error("expected a synchronous URL");
  return url;
}

describe("the provider catalog", () => {
  it("has the providers people connect most, each under its own name", () => {
    expect(providerNames).toEqual(
      expect.arrayContaining([
        "github",
        "google",
        "slack",
        "linear",
        "notion",
        "atlassian",
        "microsoft",
        "gitlab",
        "discord",
        "salesforce",
        "oidc",
      ]),
    );
    for (const name of providerNames) expect(catalog[name]?.name).toBe(name);
  });

  it("names only valid, unreserved environment variables", () => {
    for (const entry of Object.values(catalog)) {
      for (const variable of [
        entry.env.clientId,
        entry.env.clientSecret,
        ...Object.values(entry.env.extra ?? {}),
      ]) {
        expect(variable).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(variable).not.toMatch(/^(GUMSTACK|GUMLOOP)_/i);
      }
    }
  });

  it.each(providerNames)(
    "builds %s from its variables, with the defaults its entry documents",
    (name) => {
      const provider = createCatalogProvider(name, { env: envFor(name) });
      expect(provider.name).toBe(name);
      expect(provider.defaultScopes).toEqual(catalog[name]?.defaultScopes);
    },
  );

  it.each(providerNames.filter((name) => name !== "oidc"))(
    "%s always asks for its nickname scopes",
    (name) => {
      const provider = createCatalogProvider(name, { env: envFor(name) });
      expect(provider).toBeInstanceOf(CatalogProvider);
      const url = urlOf(provider, ["some:scope"]);
      const asked = [url.searchParams.get("scope"), url.searchParams.get("user_scope")].join(" ");
      for (const scope of catalog[name]?.nicknameScopes ?? [])
        expect(asked.split(/[ ,]/)).toContain(scope);
    },
  );

  it("refuses a missing or empty variable, naming it", () => {
    const error = thrownBy(() =>
      createCatalogProvider("github", {
        env: { GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: " " },
      }),
    );
    expect(error).toBeInstanceOf(ProviderConfigError);
    expect(error).toMatchObject({ variable: "GITHUB_CLIENT_SECRET" });
    expect(String(error)).toContain("GITHUB_CLIENT_SECRET is not set");
    expect(() => createCatalogProvider("linear", { env: {} })).toThrow(/LINEAR_CLIENT_ID/);
    expect(() =>
      createCatalogProvider("oidc", { env: { OIDC_CLIENT_ID: "i", OIDC_CLIENT_SECRET: "s" } }),
    ).toThrow(/OIDC_ISSUER is not set/);
  });

  it("refuses a base URL that is not https, naming the variable", () => {
    const env = { ...envFor("gitlab"), GITLAB_URL: "http://gitlab.example.com" };
    expect(() => createCatalogProvider("gitlab", { env })).toThrow(
      /GITLAB_URL must be an https URL/,
    );
    expect(() =>
      createCatalogProvider("salesforce", {
        env: { ...envFor("salesforce"), SALESFORCE_LOGIN_URL: "test.salesforce.com" },
      }),
    ).toThrow(/SALESFORCE_LOGIN_URL/);
  });

  it("reads the optional variables: tenant, self-managed GitLab, Salesforce sandbox", () => {
    const ms = createCatalogProvider("microsoft", {
      env: { ...envFor("microsoft"), MICROSOFT_TENANT_ID: "contoso.com" },
    });
    expect(urlOf(ms).pathname).toBe("/contoso.com/oauth2/v2.0/authorize");
    const gl = createCatalogProvider("gitlab", {
      env: { ...envFor("gitlab"), GITLAB_URL: "https://git.example.com/" },
    });
    expect(urlOf(gl).origin).toBe("https://git.example.com");
    const sf = createCatalogProvider("salesforce", {
      env: { ...envFor("salesforce"), SALESFORCE_LOGIN_URL: "https://test.salesforce.com" },
    });
    expect(urlOf(sf).origin).toBe("https://test.salesforce.com");
  });

  it("asks for the scopes gumstack.yaml names instead of the defaults", () => {
    const provider = createCatalogProvider("github", {
      env: envFor("github"),
      scopes: ["read:org", "gist"],
    });
    expect(provider.defaultScopes).toEqual(["read:org", "gist"]);
    expect(urlOf(provider).searchParams.get("scope")).toBe("read:org gist");
  });

  it("names the catalog when asked for a provider it does not have", () => {
    expect(() => createCatalogProvider("myspace", { env: {} })).toThrow(
      /unknown provider "myspace": the catalog has github, google/,
    );
  });

  it("sends every call through the fetch it is given", async () => {
    const seen: string[] = [];
    const fake: typeof fetch = async (input) => {
      seen.push(String(input));
      return Response.json({ login: "octocat" });
    };
    const provider = createCatalogProvider("github", { env: envFor("github"), fetch: fake });
    expect(await provider.getNickname("gho_x")).toBe("octocat");
    expect(seen).toEqual(["https://api.github.com/user"]);
  });
});
