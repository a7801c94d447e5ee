import type { DiscoveryRequestOptions } from "../discovery.js";
import { discoveryRequest } from "../discovery.js";
import { ProviderResponseError } from "../errors.js";
import { oauthRequest } from "../http.js";
import { isJsonObject, nonEmptyString } from "../json.js";
import type { AuthorizationServerMetadata } from "./authorization-server.js";

export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

/** A client registered at one authorization server (RFC 7591), for one redirect URI. */
export interface RegisteredClient {
  issuer: string;
  clientId: string;
  /** Absent for a public client (`none`). A secret: the caller stores it encrypted. */
  clientSecret?: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  redirectUri: string;
  /** From client_secret_expires_at; absent when the secret does not expire. */
  expiresAt?: Date;
}

/** Where registrations live between processes; the platform keeps them encrypted in its DB. */
export interface ClientRegistrations {
  load(issuer: string): Promise<RegisteredClient | undefined>;
  save(client: RegisteredClient): Promise<void>;
}

export interface RegistrationRequest {
  redirectUri: string;
  clientName: string;
}

/**
 * RFC 7591 §3.1. A confidential client when the server authenticates clients with a secret we
 * can send (basic, then post), else a public one (`none`), which PKCE protects.
 */
export async function registerClient(
  server: AuthorizationServerMetadata,
  request: RegistrationRequest,
  options: DiscoveryRequestOptions,
): Promise<RegisteredClient> {
  const endpoint = server.registrationEndpoint;
  if (endpoint === undefined) {
    throw new ProviderResponseError(
      `authorization server ${server.issuer} has no registration_endpoint, and no client is registered there`,
      undefined,
    );
  }
  const method = pickAuthMethod(server);
  const { status, body } = await oauthRequest(endpoint, {
    ...discoveryRequest(options),
    method: "POST",
    json: {
      redirect_uris: [request.redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: method,
      client_name: request.clientName,
    },
    // A retry after a lost answer would register a second client: harmless, but not the same.
    idempotent: false,
  });
  return readRegistration(server.issuer, request.redirectUri, method, status, body);
}

/** Whether a stored registration can start a new authorization for this issuer and redirect. */
export function isUsable(
  client: RegisteredClient,
  issuer: string,
  redirectUri: string,
  now: number,
): boolean {
  if (client.issuer !== issuer || client.redirectUri !== redirectUri) return false;
  return client.expiresAt === undefined || client.expiresAt.getTime() > now;
}

function pickAuthMethod(server: AuthorizationServerMetadata): TokenEndpointAuthMethod {
  const methods = server.tokenEndpointAuthMethods;
  for (const method of ["client_secret_basic", "client_secret_post", "none"] as const) {
    if (methods.includes(method)) return method;
  }
  throw new ProviderResponseError(
    `authorization server ${server.issuer} supports none of client_secret_basic, client_secret_post and none at its token endpoint`,
    undefined,
  );
}

/** RFC 7591 §3.2.1. The server may change what was asked; what it answers is what holds. */
function readRegistration(
  issuer: string,
  redirectUri: string,
  asked: TokenEndpointAuthMethod,
  status: number,
  body: unknown,
): RegisteredClient {
  const at = `client registration at ${issuer}`;
  if (!isJsonObject(body))
    throw new ProviderResponseError(`${at}: answer is not a JSON object`, status);
  const clientId = nonEmptyString(body.client_id);
  if (clientId === undefined)
    throw new ProviderResponseError(`${at}: answer has no client_id`, status);
  const answered = body.token_endpoint_auth_method ?? asked;
  if (
    answered !== "client_secret_basic" &&
    answered !== "client_secret_post" &&
    answered !== "none"
  ) {
    throw new ProviderResponseError(
      `${at}: token_endpoint_auth_method is not one we speak`,
      status,
    );
  }
  const uris = body.redirect_uris;
  if (uris !== undefined && !(Array.isArray(uris) && uris.includes(redirectUri))) {
    throw new ProviderResponseError(`${at}: redirect_uris does not hold the callback URL`, status);
  }
  const client: RegisteredClient = {
    issuer,
    clientId,
    tokenEndpointAuthMethod: answered,
    redirectUri,
  };
  const secret = nonEmptyString(body.client_secret);
  if (answered !== "none") {
    if (secret === undefined)
      throw new ProviderResponseError(`${at}: answer has no client_secret`, status);
    client.clientSecret = secret;
  }
  // RFC 7591 §3.2.1: 0 means the secret never expires.
  const expires = body.client_secret_expires_at;
  if (typeof expires === "number" && Number.isFinite(expires) && expires > 0) {
    client.expiresAt = new Date(expires * 1000);
  }
  return client;
}
