import { CatalogProvider } from "../base.js";
import { stringAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type GoogleHost = "accounts" | "oauth2" | "openid";

const HOSTS = {
  accounts: "https://accounts.google.com",
  oauth2: "https://oauth2.googleapis.com",
  openid: "https://openidconnect.googleapis.com",
};

/** Google (Workspace and consumer accounts). */
export class GoogleProvider extends CatalogProvider {
  constructor(options: ProviderOptions<GoogleHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "google",
      authorizationEndpoint: `${urls.accounts}/o/oauth2/v2/auth`,
      tokenEndpoint: `${urls.oauth2}/token`,
      revocationEndpoint: `${urls.oauth2}/revoke`,
      userinfoEndpoint: `${urls.openid}/v1/userinfo`,
      clientAuth: "post",
      // No refresh token without access_type=offline, and none on a repeat consent without
      // prompt=consent; its refresh answers then leave refresh_token out (the old one stays valid).
      extraAuthorizationParams: { access_type: "offline", prompt: "consent" },
      requiredScopes: ["openid", "email"],
      defaultScopes: options.defaultScopes ?? ["openid", "email", "profile"],
      nickname: (userinfo) => stringAt(userinfo, "email"),
    });
  }
}
