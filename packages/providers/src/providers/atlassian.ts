import type { ExchangeOptions, TokenResponse } from "@gumstack/oauth";
import { CatalogProvider } from "../base.js";
import { firstString, isObject, stringAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type AtlassianHost = "auth" | "api";

const HOSTS = { auth: "https://auth.atlassian.com", api: "https://api.atlassian.com" };

/** A Jira or Confluence site the token can reach. Its `id` is the cloud id API URLs need. */
export interface AtlassianSite {
  id: string;
  name: string;
  url: string;
  scopes: string[];
}

/** Atlassian Cloud (Jira and Confluence), OAuth 2.0 (3LO). */
export class AtlassianProvider extends CatalogProvider {
  readonly #api: string;

  constructor(options: ProviderOptions<AtlassianHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "atlassian",
      authorizationEndpoint: `${urls.auth}/authorize`,
      tokenEndpoint: `${urls.auth}/oauth/token`,
      clientAuth: "post",
      // The audience names the API gateway; prompt=consent is what Atlassian's docs require.
      extraAuthorizationParams: { audience: "api.atlassian.com", prompt: "consent" },
      // Atlassian documents no PKCE for 3LO apps.
      pkce: false,
      // read:me for the nickname; offline_access, or there is no (rotating) refresh token.
      requiredScopes: ["read:me", "offline_access"],
      defaultScopes: options.defaultScopes ?? [
        "read:jira-work",
        "read:jira-user",
        "read:confluence-content.all",
        "read:confluence-space.summary",
      ],
    });
    this.#api = urls.api;
  }

  /**
   * Jira and Confluence APIs are reached through api.atlassian.com/ex/<product>/<cloud id>, so
   * the sites (and their cloud ids) go into `raw.sites` and `raw.cloud_id` (the first site).
   * The code is spent by now: a failed lookup leaves them out rather than losing the grant.
   */
  override async exchange(
    code: string,
    redirectUri: string,
    options: ExchangeOptions,
  ): Promise<TokenResponse> {
    const tokens = await super.exchange(code, redirectUri, options);
    const sites = await this.sites(tokens.accessToken).catch(() => undefined);
    if (sites === undefined) return tokens;
    const raw: Record<string, unknown> = { ...tokens.raw, sites };
    if (sites[0] === undefined) return { ...tokens, raw };
    raw.cloud_id = sites[0].id;
    // For tools: api.atlassian.com/ex/jira/<cloud_id>/rest/api/3/...
    return { ...tokens, raw, extras: { cloud_id: sites[0].id, site_url: sites[0].url } };
  }

  /** The sites the token can reach (GET /oauth/token/accessible-resources). */
  async sites(accessToken: string): Promise<AtlassianSite[]> {
    const { body } = await this.request(`${this.#api}/oauth/token/accessible-resources`, {
      method: "GET",
      bearer: accessToken,
    });
    if (!Array.isArray(body)) return [];
    return body.flatMap((site: unknown) => {
      const id = stringAt(site, "id");
      const url = stringAt(site, "url");
      if (id === undefined || url === undefined || !isObject(site)) return [];
      const scopes = Array.isArray(site.scopes)
        ? site.scopes.filter((s): s is string => typeof s === "string")
        : [];
      return [{ id, url, name: stringAt(site, "name") ?? url, scopes }];
    });
  }

  /** GET /me (scope read:me) names the Atlassian account. */
  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.request(`${this.#api}/me`, {
      method: "GET",
      bearer: accessToken,
    });
    const nickname = firstString(body, [["email"], ["name"], ["nickname"], ["account_id"]]);
    if (nickname === undefined) throw this.noAccount("GET /me", status);
    return nickname;
  }
}
