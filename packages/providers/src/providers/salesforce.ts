import type { TokenResponse } from "@gumstack/oauth";
import { CatalogProvider } from "../base.js";
import { stringAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type SalesforceHost = "login";

/** Production orgs; sandboxes log in at https://test.salesforce.com, or a My Domain URL. */
const HOSTS = { login: "https://login.salesforce.com" };

/**
 * Salesforce. Its token answer has no expires_in (the org's session timeout decides), but does
 * have `instance_url`, the host for API calls, kept in `raw`.
 */
export class SalesforceProvider extends CatalogProvider {
  constructor(options: ProviderOptions<SalesforceHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    const oauth = `${urls.login}/services/oauth2`;
    super({
      ...transportOf(options),
      name: "salesforce",
      authorizationEndpoint: `${oauth}/authorize`,
      tokenEndpoint: `${oauth}/token`,
      revocationEndpoint: `${oauth}/revoke`,
      userinfoEndpoint: `${oauth}/userinfo`,
      clientAuth: "post",
      // refresh_token, or there is none; openid for the userinfo call.
      requiredScopes: ["refresh_token", "openid"],
      defaultScopes: options.defaultScopes ?? ["api", "refresh_token", "openid"],
      // The shortest session timeout an org can set; refreshing sooner than needed is harmless
      // because Salesforce does not rotate refresh tokens.
      defaultTokenLifetime: 900,
    });
  }

  /** For tools: API calls go to `instance_url`, which a refresh may move. */
  protected override parseTokens(body: unknown, status: number): TokenResponse {
    const tokens = super.parseTokens(body, status);
    const instanceUrl = stringAt(body, "instance_url");
    return instanceUrl === undefined
      ? tokens
      : { ...tokens, extras: { instance_url: instanceUrl } };
  }
}
