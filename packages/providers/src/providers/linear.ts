import { CatalogProvider } from "../base.js";
import { firstString, memberAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type LinearHost = "web" | "api";

const HOSTS = { web: "https://linear.app", api: "https://api.linear.app" };

const VIEWER_QUERY = "query { viewer { id name email } }";

/** Linear. Since April 2026 every app gets expiring access tokens with refresh tokens. */
export class LinearProvider extends CatalogProvider {
  readonly #api: string;

  constructor(options: ProviderOptions<LinearHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "linear",
      authorizationEndpoint: `${urls.web}/oauth/authorize`,
      tokenEndpoint: `${urls.api}/oauth/token`,
      revocationEndpoint: `${urls.api}/oauth/revoke`,
      // Linear documents its scope parameter as a comma-separated list.
      scopeSeparator: ",",
      clientAuth: "post",
      // Linear grants `read` with any scope; it is all the viewer query needs.
      requiredScopes: ["read"],
      defaultScopes: options.defaultScopes ?? ["read", "write"],
    });
    this.#api = urls.api;
  }

  /** Linear's API is GraphQL only: the viewer is the token's user. */
  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.request(`${this.#api}/graphql`, {
      method: "POST",
      bearer: accessToken,
      json: { query: VIEWER_QUERY },
    });
    const viewer = memberAt(body, "data", "viewer");
    const nickname = firstString(viewer, [["email"], ["name"]]);
    if (nickname === undefined) throw this.noAccount("the viewer query", status);
    return nickname;
  }
}
