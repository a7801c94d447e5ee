import { CatalogProvider } from "../base.js";
import { stringAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type DiscordHost = "discord";

const HOSTS = { discord: "https://discord.com" };

/** Discord. Its rate limits answer 429 with Retry-After, which the HTTP client honours. */
export class DiscordProvider extends CatalogProvider {
  readonly #api: string;

  constructor(options: ProviderOptions<DiscordHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "discord",
      authorizationEndpoint: `${urls.discord}/oauth2/authorize`,
      tokenEndpoint: `${urls.discord}/api/oauth2/token`,
      revocationEndpoint: `${urls.discord}/api/oauth2/token/revoke`,
      requiredScopes: ["identify"],
      defaultScopes: options.defaultScopes ?? ["identify"],
    });
    this.#api = `${urls.discord}/api`;
  }

  /** GET /users/@me (scope identify); the username is unique, the global_name is not. */
  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.request(`${this.#api}/users/@me`, {
      method: "GET",
      bearer: accessToken,
    });
    const username = stringAt(body, "username");
    if (username === undefined) throw this.noAccount("GET /users/@me", status);
    return username;
  }
}
