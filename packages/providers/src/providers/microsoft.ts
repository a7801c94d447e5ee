import { CatalogProvider } from "../base.js";
import { firstString } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type MicrosoftHost = "login" | "graph";

const HOSTS = { login: "https://login.microsoftonline.com", graph: "https://graph.microsoft.com" };

export interface MicrosoftOptions extends ProviderOptions<MicrosoftHost> {
  /** Directory (tenant) id or domain; "common" (default) takes work and personal accounts. */
  tenant?: string;
}

/**
 * Microsoft Entra ID (Microsoft 365, Outlook, Teams, OneDrive through Microsoft Graph). Entra
 * has no revocation endpoint for a client to call, so this provider has no `revoke`.
 */
export class MicrosoftProvider extends CatalogProvider {
  readonly #graph: string;

  constructor(options: MicrosoftOptions) {
    const urls = urlsOf(HOSTS, options.urls);
    const base = `${urls.login}/${encodeURIComponent(options.tenant ?? "common")}/oauth2/v2.0`;
    super({
      ...transportOf(options),
      name: "microsoft",
      authorizationEndpoint: `${base}/authorize`,
      // Entra may send expires_in as a string ("3599"); parseTokenResponse reads either form.
      tokenEndpoint: `${base}/token`,
      clientAuth: "post",
      // User.Read for the nickname; offline_access, or Entra issues no refresh token.
      requiredScopes: ["User.Read", "offline_access"],
      defaultScopes: options.defaultScopes ?? ["openid", "profile", "User.Read", "offline_access"],
    });
    this.#graph = urls.graph;
  }

  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.request(`${this.#graph}/v1.0/me`, {
      method: "GET",
      bearer: accessToken,
    });
    const nickname = firstString(body, [["mail"], ["userPrincipalName"], ["displayName"]]);
    if (nickname === undefined) throw this.noAccount("GET /v1.0/me", status);
    return nickname;
  }
}
