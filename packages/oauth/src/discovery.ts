import type { BackoffOptions } from "./backoff.js";
import type { ClientAuthMethod } from "./client-auth.js";
import { ProviderResponseError } from "./errors.js";
import { type OAuthRequestOptions, oauthRequest } from "./http.js";
import { isJsonObject, type JsonObject, nonEmptyString } from "./json.js";

/** What an OpenID Provider's configuration document says that we use. */
export interface DiscoveredEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint?: string;
  revocationEndpoint?: string;
  /** From token_endpoint_auth_methods_supported, when the document lists one we speak. */
  clientAuth?: ClientAuthMethod;
}

export interface DiscoveryRequestOptions {
  timeoutMs?: number;
  attempts?: number;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * Reads `<issuer>/.well-known/openid-configuration` (OIDC Discovery 1.0 §4). The document's
 * `issuer` must equal the one asked for (§4.3): otherwise a document could send tokens to
 * endpoints of another server.
 */
export async function discoverEndpoints(
  issuer: string,
  options: DiscoveryRequestOptions = {},
): Promise<DiscoveredEndpoints> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const { status, body } = await oauthRequest(url, discoveryRequest(options));
  return readEndpoints(checkIssuerDocument(url, issuer, status, body), status);
}

/** A GET with the caller's timeout, retries, backoff, signal and fetch. */
export function discoveryRequest(options: DiscoveryRequestOptions): OAuthRequestOptions {
  const request: OAuthRequestOptions = { method: "GET" };
  if (options.timeoutMs !== undefined) request.timeoutMs = options.timeoutMs;
  if (options.attempts !== undefined) request.attempts = options.attempts;
  if (options.backoff !== undefined) request.backoff = options.backoff;
  if (options.signal !== undefined) request.signal = options.signal;
  if (options.fetch !== undefined) request.fetch = options.fetch;
  return request;
}

/**
 * The body of a metadata document read at `url`, once it is a JSON object naming `issuer`
 * exactly (OIDC Discovery §4.3, RFC 8414 §3.3).
 */
export function checkIssuerDocument(
  url: string,
  issuer: string,
  status: number,
  body: unknown,
): JsonObject {
  if (!isJsonObject(body)) {
    throw new ProviderResponseError(`discovery document at ${url} is not a JSON object`, status);
  }
  if (body.issuer !== issuer) {
    const named = typeof body.issuer === "string" ? `"${body.issuer}"` : "no issuer";
    throw new ProviderResponseError(
      `discovery document at ${url} names ${named}, not "${issuer}"`,
      status,
    );
  }
  return body;
}

/** The endpoints a checked discovery document names, each a URL. */
export function readEndpoints(body: JsonObject, status: number): DiscoveredEndpoints {
  const endpoints: DiscoveredEndpoints = {
    authorizationEndpoint: requiredUrl(body, "authorization_endpoint", status),
    tokenEndpoint: requiredUrl(body, "token_endpoint", status),
  };
  const userinfo = optionalUrl(body, "userinfo_endpoint", status);
  if (userinfo !== undefined) endpoints.userinfoEndpoint = userinfo;
  const revocation = optionalUrl(body, "revocation_endpoint", status);
  if (revocation !== undefined) endpoints.revocationEndpoint = revocation;
  const clientAuth = pickClientAuth(body.token_endpoint_auth_methods_supported);
  if (clientAuth !== undefined) endpoints.clientAuth = clientAuth;
  return endpoints;
}

function requiredUrl(body: JsonObject, key: string, status: number): string {
  const value = optionalUrl(body, key, status);
  if (value === undefined) {
    throw new ProviderResponseError(`discovery document has no ${key}`, status);
  }
  return value;
}

export function optionalUrl(body: JsonObject, key: string, status: number): string | undefined {
  if (body[key] === undefined || body[key] === null) return undefined;
  const value = nonEmptyString(body[key]);
  if (value === undefined || !URL.canParse(value)) {
    throw new ProviderResponseError(`discovery document ${key} is not a URL`, status);
  }
  return value;
}

/** Basic when listed (it is the default when the member is absent, §3), else post if listed. */
export function pickClientAuth(methods: unknown): ClientAuthMethod | undefined {
  if (!Array.isArray(methods)) return undefined;
  if (methods.includes("client_secret_basic")) return "basic";
  if (methods.includes("client_secret_post")) return "post";
  return undefined;
}
