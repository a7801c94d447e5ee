import {
  type AuthProvider,
  OAuthError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "@gumstack/oauth";
import { z } from "zod";
import { type ErrorBody, errorBodySchema } from "./errors.js";

/**
 * /internal/auth: an AuthProvider in another process. A hosted server's provider lives in its
 * own code (its client secret in its own environment), while the platform's one broker keeps the
 * state, PKCE, tokens and refresh lease: the broker calls the provider through these calls, over
 * loopback, authenticated by the server's runtime secret. GET describes the provider; POST runs
 * one call. This is the provider's end; the broker's is remote-provider.ts.
 */
export const providerCallSchema = z.discriminatedUnion("op", [
  z.object({
    op: z.literal("getUrl"),
    redirectUri: z.string(),
    state: z.string(),
    options: z.object({
      scopes: z.array(z.string()).default([]),
      codeVerifier: z.string().optional(),
    }),
  }),
  z.object({
    op: z.literal("exchange"),
    code: z.string(),
    redirectUri: z.string(),
    options: z.object({ codeVerifier: z.string().optional() }),
  }),
  z.object({ op: z.literal("refresh"), refreshToken: z.string() }),
  z.object({ op: z.literal("getNickname"), accessToken: z.string() }),
  z.object({ op: z.literal("revoke"), token: z.string() }),
]);

export type ProviderCall = z.input<typeof providerCallSchema>;

/** What the broker must know of a provider before it calls it; stored with each deployment. */
export const providerDescriptionSchema = z.object({
  name: z.string().min(1),
  pkce: z.boolean(),
  defaultTokenLifetime: z.number().nullable(),
  defaultScopes: z.array(z.string()).nullable(),
  revocable: z.boolean(),
});

export type ProviderDescription = z.output<typeof providerDescriptionSchema>;

export function describeProvider(provider: AuthProvider): ProviderDescription {
  return {
    name: provider.name,
    pkce: provider.pkce !== false,
    defaultTokenLifetime: provider.defaultTokenLifetime ?? null,
    defaultScopes: provider.defaultScopes ? [...provider.defaultScopes] : null,
    revocable: typeof provider.revoke === "function",
  };
}

/** A call's answer: 200 with `result`, 422 when the provider failed, 400 for a malformed call. */
export interface ProviderAnswer {
  status: 200 | 400 | 422;
  body: { result: unknown } | ErrorBody;
}

export const providerAnswerSchema = z.union([errorBodySchema, z.object({ result: z.unknown() })]);

const problems = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");

/** The provider side: runs one call, given as it came off the wire, and says how it went. */
export async function answerProviderCall(
  provider: AuthProvider,
  body: unknown,
): Promise<ProviderAnswer> {
  const parsed = providerCallSchema.safeParse(body);
  if (!parsed.success) {
    return {
      status: 400,
      body: { error: { code: "bad_request", message: problems(parsed.error) } },
    };
  }
  const call = parsed.data;
  try {
    return { status: 200, body: { result: await run(provider, call) } };
  } catch (error) {
    if (error instanceof NoRevocationError)
      return { status: 400, body: { error: { code: "bad_request", message: error.message } } };
    return { status: 422, body: toWire(error) };
  }
}

class NoRevocationError extends Error {}

async function run(provider: AuthProvider, call: z.output<typeof providerCallSchema>) {
  switch (call.op) {
    case "getUrl": {
      const { scopes, codeVerifier } = call.options;
      const options = { scopes, ...(codeVerifier === undefined ? {} : { codeVerifier }) };
      return (await provider.getUrl(call.redirectUri, call.state, options)).toString();
    }
    case "exchange": {
      const { codeVerifier } = call.options;
      const options = codeVerifier === undefined ? {} : { codeVerifier };
      return provider.exchange(call.code, call.redirectUri, options);
    }
    case "refresh":
      return provider.refresh(call.refreshToken);
    case "getNickname":
      return provider.getNickname(call.accessToken);
    case "revoke":
      if (!provider.revoke) throw new NoRevocationError("revoke: this provider has none");
      await provider.revoke(call.token);
      return null;
  }
}

/** A failure as it crosses the wire: its type and the provider's code, never a token. */
function toWire(error: unknown): ErrorBody {
  if (error instanceof OAuthError) {
    const provider = {
      code: error.code,
      ...(error.description === undefined ? {} : { description: error.description }),
      ...(error.status === undefined ? {} : { status: error.status }),
    };
    return { error: { code: "provider_oauth_error", message: error.message, provider } };
  }
  if (error instanceof ProviderUnavailableError || error instanceof ProviderResponseError) {
    const code =
      error instanceof ProviderUnavailableError ? "provider_unavailable" : "provider_bad_response";
    const provider = error.status === undefined ? {} : { status: error.status };
    return { error: { code, message: error.message, provider } };
  }
  // A provider's own code may put anything in a message: only the error's name crosses.
  const name = error instanceof Error ? error.name : "unknown";
  return { error: { code: "provider_bad_response", message: `the provider failed (${name})` } };
}

/** The error a provider's failure becomes again on the broker's side, as its own class. */
export function providerErrorFromWire(body: unknown): Error {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return new ProviderResponseError("the answer carried no error", undefined);
  const { code, message, provider } = parsed.data.error;
  switch (code) {
    case "provider_oauth_error":
      return new OAuthError(
        provider?.code ?? "server_error",
        provider?.description,
        provider?.status,
      );
    case "provider_unavailable":
      return new ProviderUnavailableError(message, provider?.status);
    default:
      return new ProviderResponseError(message, provider?.status);
  }
}
