import { CatalogProvider } from "../base.js";
import { stringAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type GitHubHost = "web" | "api";

const HOSTS = { web: "https://github.com", api: "https://api.github.com" };

/** What GitHub's REST API asks every caller to send. */
const API_HEADERS = {
  accept: "application/vnd.github+json",
  "x-github-api-version": "2022-11-28",
  // GitHub refuses API requests without a User-Agent.
  "user-agent": "gumstack",
};

/** GitHub OAuth apps and GitHub Apps (user-to-server tokens). */
export class GitHubProvider extends CatalogProvider {
  readonly #urls: Record<GitHubHost, string>;
  readonly #clientId: string;
  readonly #clientSecret: string;

  constructor(options: ProviderOptions<GitHubHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "github",
      authorizationEndpoint: `${urls.web}/login/oauth/authorize`,
      // Answers 200 with an error body (bad_verification_code...); parseTokenResponse reads it.
      tokenEndpoint: `${urls.web}/login/oauth/access_token`,
      // GitHub's documented requests send the secret as a parameter.
      clientAuth: "post",
      defaultScopes: options.defaultScopes ?? ["repo"],
    });
    this.#urls = urls;
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
  }

  /** GET /user needs no scope: every token can read its own user's public profile. */
  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.request(`${this.#urls.api}/user`, {
      method: "GET",
      bearer: accessToken,
      headers: API_HEADERS,
    });
    const login = stringAt(body, "login");
    if (login === undefined) throw this.noAccount("GET /user", status);
    return login;
  }

  /**
   * GitHub has no RFC 7009 endpoint: deleting the app's grant with the client's credentials
   * revokes every token of it. That call takes an access token; a GitHub App refresh token
   * (ghr_) is first exchanged for one.
   */
  override readonly revoke = async (token: string): Promise<void> => {
    const accessToken = token.startsWith("ghr_") ? (await this.refresh(token)).accessToken : token;
    const credentials = Buffer.from(`${this.#clientId}:${this.#clientSecret}`).toString("base64");
    await this.request(
      `${this.#urls.api}/applications/${encodeURIComponent(this.#clientId)}/grant`,
      {
        method: "DELETE",
        headers: { ...API_HEADERS, authorization: `Basic ${credentials}` },
        json: { access_token: accessToken },
      },
    );
  };
}
