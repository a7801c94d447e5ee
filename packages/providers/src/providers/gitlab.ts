import { CatalogProvider } from "../base.js";
import { stringAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type GitLabHost = "gitlab";

const HOSTS = { gitlab: "https://gitlab.com" };

/** GitLab.com or a self-managed GitLab (`urls.gitlab`). Access tokens last two hours. */
export class GitLabProvider extends CatalogProvider {
  readonly #api: string;

  constructor(options: ProviderOptions<GitLabHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "gitlab",
      authorizationEndpoint: `${urls.gitlab}/oauth/authorize`,
      tokenEndpoint: `${urls.gitlab}/oauth/token`,
      revocationEndpoint: `${urls.gitlab}/oauth/revoke`,
      clientAuth: "post",
      requiredScopes: ["read_user"],
      defaultScopes: options.defaultScopes ?? ["read_user", "read_api"],
    });
    this.#api = `${urls.gitlab}/api/v4`;
  }

  /** GET /api/v4/user (scope read_user) names the account by its unique username. */
  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.request(`${this.#api}/user`, {
      method: "GET",
      bearer: accessToken,
    });
    const username = stringAt(body, "username");
    if (username === undefined) throw this.noAccount("GET /api/v4/user", status);
    return username;
  }
}
