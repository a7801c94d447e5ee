import {
  type AuthorizationUrlOptions,
  OAuthError,
  parseTokenResponse,
  type TokenResponse,
} from "@gumstack/oauth";
import { CatalogProvider } from "../base.js";
import { isObject, memberAt, stringAt } from "../json-path.js";
import { type ProviderOptions, transportOf, urlsOf } from "../options.js";

export type SlackHost = "slack";

const HOSTS = { slack: "https://slack.com" };

/** Scopes written `bot:chat:write` are asked for the app's bot; all others for the user. */
const BOT_PREFIX = "bot:";

/**
 * Slack apps (OAuth v2). One install can yield a user token (user_scope) and a bot token (scope).
 * A connection is a person's account, so the user token is the one returned when there is one;
 * the bot token stays in `raw`.
 */
export class SlackProvider extends CatalogProvider {
  readonly #api: string;

  constructor(options: ProviderOptions<SlackHost>) {
    const urls = urlsOf(HOSTS, options.urls);
    super({
      ...transportOf(options),
      name: "slack",
      authorizationEndpoint: `${urls.slack}/oauth/v2/authorize`,
      tokenEndpoint: `${urls.slack}/api/oauth.v2.access`,
      // Slack separates scopes with commas.
      scopeSeparator: ",",
      defaultScopes: options.defaultScopes ?? [
        "channels:read",
        "channels:history",
        "users:read",
        "chat:write",
      ],
    });
    this.#api = `${urls.slack}/api`;
  }

  override getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions): URL {
    const scopes = this.scopesFor(options);
    const bot = scopes
      .filter((s) => s.startsWith(BOT_PREFIX))
      .map((s) => s.slice(BOT_PREFIX.length));
    const user = scopes.filter((s) => !s.startsWith(BOT_PREFIX));
    const url = super.getUrl(redirectUri, state, options);
    url.searchParams.delete("scope");
    if (bot.length > 0) url.searchParams.set("scope", bot.join(","));
    if (user.length > 0) url.searchParams.set("user_scope", user.join(","));
    return url;
  }

  /** Errors come as 200 `{ ok: false, error }`, which parseTokenResponse reads as OAuthError. */
  protected override parseTokens(body: unknown, status: number): TokenResponse {
    const user = memberAt(body, "authed_user");
    // A user token sits in authed_user on an install, at the top on a refresh of it.
    const nested = isObject(user) && stringAt(user, "access_token") !== undefined;
    const parsed = parseTokenResponse(nested ? { ...user } : body, status);
    // token_type says whose token it is ("user", "bot"); either is sent as a bearer token.
    const team = memberAt(body, "team");
    const teamId = isObject(team) ? stringAt(team, "id") : undefined;
    return {
      ...parsed,
      tokenType: "Bearer",
      raw: isObject(body) ? { ...body } : parsed.raw,
      // For tools: which workspace the token is for.
      ...(teamId === undefined ? {} : { extras: { team_id: teamId } }),
    };
  }

  /** auth.test needs no scope and names the user (or bot) and the workspace. */
  override async getNickname(accessToken: string): Promise<string> {
    const { status, body } = await this.#call("auth.test", accessToken);
    const user = stringAt(body, "user");
    if (user === undefined) throw this.noAccount("auth.test", status);
    const team = stringAt(body, "team");
    return team === undefined ? user : `${user} (${team})`;
  }

  override readonly revoke = async (token: string): Promise<void> => {
    await this.#call("auth.revoke", token);
  };

  /** Slack's Web API answers 200 even for errors; `ok: false` carries the error code. */
  async #call(method: string, token: string): Promise<{ status: number; body: unknown }> {
    const { status, body } = await this.request(`${this.#api}/${method}`, {
      method: "POST",
      bearer: token,
    });
    if (memberAt(body, "ok") !== true) {
      throw new OAuthError(stringAt(body, "error") ?? "slack_error", undefined, status);
    }
    return { status, body };
  }
}
