import { OAuthError, ProviderResponseError, ProviderUnavailableError } from "./errors.js";
import type {
  AuthorizationUrlOptions,
  AuthProvider,
  ExchangeOptions,
  TokenResponse,
} from "./provider.js";

/**
 * An AuthProvider in another process. A hosted server's provider lives in its own code (its
 * client secret in its own environment), while the platform's one broker keeps the state, PKCE,
 * tokens and refresh lease: the broker calls the provider through this small protocol, over
 * loopback, authenticated by the server's runtime secret. Both ends are in this file.
 */
export type ProviderCall =
  | {
      op: "getUrl";
      redirectUri: string;
      state: string;
      options: AuthorizationUrlOptions;
    }
  | { op: "exchange"; code: string; redirectUri: string; options: ExchangeOptions }
  | { op: "refresh"; refreshToken: string }
  | { op: "getNickname"; accessToken: string }
  | { op: "revoke"; token: string };

/** What the broker must know of a provider before it calls it. */
export interface ProviderDescription {
  name: string;
  pkce: boolean;
  defaultTokenLifetime: number | null;
  defaultScopes: string[] | null;
  revocable: boolean;
}

export function describeProvider(provider: AuthProvider): ProviderDescription {
  return {
    name: provider.name,
    pkce: provider.pkce !== false,
    defaultTokenLifetime: provider.defaultTokenLifetime ?? null,
    defaultScopes: provider.defaultScopes ? [...provider.defaultScopes] : null,
    revocable: typeof provider.revoke === "function",
  };
}

/** A failure as it crosses the wire: its type and the provider's code, never a token. */
interface WireError {
  type: "oauth" | "unavailable" | "response" | "internal";
  message: string;
  code?: string;
  description?: string;
  status?: number;
}

export interface ProviderAnswer {
  /** 200 with `result`, 422 with `error` when the provider failed, 400 for a malformed call. */
  status: number;
  body: { result: unknown } | { error: WireError };
}

const text = (value: unknown): value is string => typeof value === "string";

/** The provider side: runs one call and says how it went. */
export async function answerProviderCall(
  provider: AuthProvider,
  call: unknown,
): Promise<ProviderAnswer> {
  const c = (typeof call === "object" && call !== null ? call : {}) as Record<string, unknown>;
  const options = (typeof c.options === "object" && c.options !== null ? c.options : {}) as Record<
    string,
    unknown
  >;
  const malformed = (field: string): ProviderAnswer => ({
    status: 400,
    body: { error: { type: "internal", message: `${field} is missing or not a string` } },
  });
  try {
    switch (c.op) {
      case "getUrl": {
        if (!text(c.redirectUri)) return malformed("redirectUri");
        if (!text(c.state)) return malformed("state");
        const scopes = Array.isArray(options.scopes) ? options.scopes.filter(text) : [];
        const url = await provider.getUrl(c.redirectUri, c.state, {
          scopes,
          ...(text(options.codeVerifier) ? { codeVerifier: options.codeVerifier } : {}),
        });
        return { status: 200, body: { result: url.toString() } };
      }
      case "exchange": {
        if (!text(c.code)) return malformed("code");
        if (!text(c.redirectUri)) return malformed("redirectUri");
        const tokens = await provider.exchange(c.code, c.redirectUri, {
          ...(text(options.codeVerifier) ? { codeVerifier: options.codeVerifier } : {}),
        });
        return { status: 200, body: { result: tokens } };
      }
      case "refresh":
        if (!text(c.refreshToken)) return malformed("refreshToken");
        return { status: 200, body: { result: await provider.refresh(c.refreshToken) } };
      case "getNickname":
        if (!text(c.accessToken)) return malformed("accessToken");
        return { status: 200, body: { result: await provider.getNickname(c.accessToken) } };
      case "revoke":
        if (!text(c.token)) return malformed("token");
        if (!provider.revoke) return malformed("revoke (this provider has none)");
        await provider.revoke(c.token);
        return { status: 200, body: { result: null } };
      default:
        return malformed("op");
    }
  } catch (error) {
    return { status: 422, body: { error: toWire(error) } };
  }
}

function toWire(error: unknown): WireError {
  if (error instanceof OAuthError) {
    return {
      type: "oauth",
      message: error.message,
      code: error.code,
      ...(error.description === undefined ? {} : { description: error.description }),
      ...(error.status === undefined ? {} : { status: error.status }),
    };
  }
  if (error instanceof ProviderUnavailableError || error instanceof ProviderResponseError) {
    return {
      type: error instanceof ProviderUnavailableError ? "unavailable" : "response",
      message: error.message,
      ...(error.status === undefined ? {} : { status: error.status }),
    };
  }
  // A provider's own code may put anything in a message: only the error's name crosses.
  return {
    type: "internal",
    message: `the provider failed (${error instanceof Error ? error.name : "unknown"})`,
  };
}

function fromWire(error: WireError): Error {
  switch (error.type) {
    case "oauth":
      return new OAuthError(error.code ?? "server_error", error.description, error.status);
    case "unavailable":
      return new ProviderUnavailableError(error.message, error.status);
    case "response":
      return new ProviderResponseError(error.message, error.status);
    default:
      return new ProviderResponseError(error.message, undefined);
  }
}

/** Sends a call to where the provider runs; rejects with ProviderUnavailableError when it cannot. */
export type SendProviderCall = (call: ProviderCall) => Promise<ProviderAnswer>;

/** The broker's side: an AuthProvider whose calls run where the provider is. */
export class RemoteAuthProvider implements AuthProvider {
  readonly name: string;
  readonly pkce: boolean;
  readonly defaultTokenLifetime?: number;
  readonly defaultScopes?: readonly string[];
  readonly revoke?: (token: string) => Promise<void>;

  constructor(
    description: ProviderDescription,
    private readonly send: SendProviderCall,
  ) {
    this.name = description.name;
    this.pkce = description.pkce;
    if (description.defaultTokenLifetime !== null)
      this.defaultTokenLifetime = description.defaultTokenLifetime;
    if (description.defaultScopes !== null) this.defaultScopes = description.defaultScopes;
    if (description.revocable) {
      this.revoke = async (token) => {
        await this.call({ op: "revoke", token });
      };
    }
  }

  private async call(call: ProviderCall): Promise<unknown> {
    const answer = await this.send(call);
    if ("error" in answer.body) throw fromWire(answer.body.error);
    return answer.body.result;
  }

  async getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions) {
    const url = await this.call({ op: "getUrl", redirectUri, state, options });
    if (!text(url)) throw new ProviderResponseError("getUrl answered no URL", undefined);
    return new URL(url);
  }

  async exchange(code: string, redirectUri: string, options: ExchangeOptions) {
    return tokensOf(await this.call({ op: "exchange", code, redirectUri, options }));
  }

  async refresh(refreshToken: string) {
    return tokensOf(await this.call({ op: "refresh", refreshToken }));
  }

  async getNickname(accessToken: string) {
    const nickname = await this.call({ op: "getNickname", accessToken });
    if (!text(nickname)) throw new ProviderResponseError("getNickname answered no name", undefined);
    return nickname;
  }
}

/** A TokenResponse back from JSON: the Date and the optional fields as the contract has them. */
function tokensOf(value: unknown): TokenResponse {
  const t = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (!text(t.accessToken) || !text(t.tokenType)) {
    throw new ProviderResponseError("the token answer has no access token", undefined);
  }
  return {
    accessToken: t.accessToken,
    tokenType: t.tokenType,
    ...(text(t.refreshToken) ? { refreshToken: t.refreshToken } : {}),
    ...(typeof t.expiresIn === "number" ? { expiresIn: t.expiresIn } : {}),
    ...(text(t.expiresAt) ? { expiresAt: new Date(t.expiresAt) } : {}),
    ...(Array.isArray(t.scopes) ? { scopes: t.scopes.filter(text) } : {}),
    raw: typeof t.raw === "object" && t.raw !== null ? (t.raw as Record<string, unknown>) : {},
    ...(typeof t.extras === "object" && t.extras !== null
      ? {
          extras: Object.fromEntries(
            Object.entries(t.extras).filter((entry): entry is [string, string] => text(entry[1])),
          ),
        }
      : {}),
  };
}
