import {
  type AuthorizationUrlOptions,
  type AuthProvider,
  type ExchangeOptions,
  ProviderResponseError,
  type TokenResponse,
} from "@gumstack/oauth";
import { z } from "zod";
import {
  type ProviderCall,
  type ProviderDescription,
  providerAnswerSchema,
  providerErrorFromWire,
} from "./provider-calls.js";

/**
 * Sends a call to where the provider runs and resolves with its answer as it came off the wire;
 * rejects with ProviderUnavailableError (or DeadlineExceededError) when it cannot.
 */
export type SendProviderCall = (call: ProviderCall) => Promise<unknown>;

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
    const parsed = providerAnswerSchema.safeParse(await this.send(call));
    if (!parsed.success) throw new ProviderResponseError("an answer of no known shape", undefined);
    if ("error" in parsed.data) throw providerErrorFromWire(parsed.data);
    return parsed.data.result;
  }

  async getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions) {
    const { codeVerifier } = options;
    const sent = {
      scopes: [...options.scopes],
      ...(codeVerifier === undefined ? {} : { codeVerifier }),
    };
    const url = z
      .url()
      .safeParse(await this.call({ op: "getUrl", redirectUri, state, options: sent }));
    if (!url.success) throw new ProviderResponseError("getUrl answered no URL", undefined);
    return new URL(url.data);
  }

  async exchange(code: string, redirectUri: string, options: ExchangeOptions) {
    return tokensOf(await this.call({ op: "exchange", code, redirectUri, options }));
  }

  async refresh(refreshToken: string) {
    return tokensOf(await this.call({ op: "refresh", refreshToken }));
  }

  async getNickname(accessToken: string) {
    const nickname = z.string().safeParse(await this.call({ op: "getNickname", accessToken }));
    if (!nickname.success)
      throw new ProviderResponseError("getNickname answered no name", undefined);
    return nickname.data;
  }
}

const tokenResponseSchema = z.object({
  accessToken: z.string().min(1),
  tokenType: z.string(),
  refreshToken: z.string().optional(),
  expiresIn: z.number().optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((at) => new Date(at))
    .optional(),
  scopes: z.array(z.string()).optional(),
  raw: z.record(z.string(), z.unknown()).default({}),
  extras: z.record(z.string(), z.string()).optional(),
});

/** A TokenResponse back from JSON: the Date revived, the optional fields left out when absent. */
function tokensOf(value: unknown): TokenResponse {
  const parsed = tokenResponseSchema.safeParse(value);
  if (!parsed.success) {
    throw new ProviderResponseError(
      `the token answer is malformed (${parsed.error.issues.map((i) => i.path.join(".")).join(", ")})`,
      undefined,
    );
  }
  const { refreshToken, expiresIn, expiresAt, scopes, extras, ...always } = parsed.data;
  return {
    ...always,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(expiresIn === undefined ? {} : { expiresIn }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(scopes === undefined ? {} : { scopes }),
    ...(extras === undefined ? {} : { extras }),
  };
}
