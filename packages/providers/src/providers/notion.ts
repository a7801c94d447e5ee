import { CatalogProvider } from "../base.js";
import { firstString } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type NotionHost = "api";

const HOSTS = { api: "https://api.notion.com" };

/** Every Notion API call names the version it was written against. */
const NOTION_VERSION = { "notion-version": "2022-06-28" };

/** Notion public connections (public integrations). */
export class NotionProvider extends CatalogProvider {
  readonly #api: string;

  constructor(options: ProviderOptions<NotionHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "notion",
      authorizationEndpoint: `${urls.api}/v1/oauth/authorize`,
      tokenEndpoint: `${urls.api}/v1/oauth/token`,
      // Capabilities are set on the connection in Notion's portal, not asked for as scopes.
      defaultScopes: options.defaultScopes ?? [],
      // Without owner=user Notion shows no page picker and the token reaches no pages.
      extraAuthorizationParams: { owner: "user" },
      // Notion documents no PKCE parameters for its authorization URL or token request.
      pkce: false,
      // Tokens do not expire and carry no expires_in; newer ones come with a (rotating) refresh
      // token, so refresh daily rather than the hourly default.
      defaultTokenLifetime: 86_400,
    });
    this.#api = urls.api;
  }

  /** The token's user is the connection's bot; it names the workspace that was connected. */
  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.request(`${this.#api}/v1/users/me`, {
      method: "GET",
      bearer: accessToken,
      headers: NOTION_VERSION,
    });
    const nickname = firstString(body, [["bot", "workspace_name"], ["name"]]);
    if (nickname === undefined) throw this.noAccount("GET /v1/users/me", status);
    return nickname;
  }

  /** Not RFC 7009: a JSON body, and the version header every Notion call needs. */
  override readonly revoke = async (token: string): Promise<void> => {
    await this.request(`${this.#api}/v1/oauth/revoke`, {
      method: "POST",
      headers: { ...this.authenticate({}).headers, ...NOTION_VERSION },
      json: { token },
    });
  };
}
