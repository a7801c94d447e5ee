import {
  checkIssuerDocument,
  type DiscoveredEndpoints,
  type DiscoveryRequestOptions,
  discoveryRequest,
  optionalUrl,
  readEndpoints,
} from "../discovery.js";
import { ProviderResponseError } from "../errors.js";
import { oauthRequest } from "../http.js";
import { isNotServedHere, where } from "./where.js";

/** What a client of an MCP server's authorization server needs from its metadata. */
export interface AuthorizationServerMetadata extends DiscoveredEndpoints {
  issuer: string;
  /** RFC 7591; absent when the server registers no clients dynamically. */
  registrationEndpoint?: string;
  /** token_endpoint_auth_methods_supported; RFC 8414 §2 reads an absent list as basic only. */
  tokenEndpointAuthMethods: readonly string[];
}

/**
 * MCP authorization, "Authorization Server Metadata Discovery": RFC 8414 first, then OpenID
 * Connect Discovery, path-inserted before path-appended. A 4xx moves to the next URI; the first
 * document found must name the issuer exactly (RFC 8414 §3.3) and list S256 in
 * code_challenge_methods_supported, which the MCP spec makes the test of PKCE support.
 */
export async function discoverAuthorizationServer(
  issuer: string,
  options: DiscoveryRequestOptions,
): Promise<AuthorizationServerMetadata> {
  const candidates = metadataUris(issuer);
  for (const [index, url] of candidates.entries()) {
    const { status, body } = await oauthRequest(url, {
      ...discoveryRequest(options),
      returnStatus: isNotServedHere,
    });
    if (isNotServedHere(status) && index < candidates.length - 1) continue;
    if (isNotServedHere(status)) {
      throw new ProviderResponseError(
        `no authorization server metadata for ${issuer}: ${where(url)} answered ${status}`,
        status,
      );
    }
    const document = checkIssuerDocument(url, issuer, status, body);
    const methods = document.code_challenge_methods_supported;
    if (!Array.isArray(methods) || !methods.includes("S256")) {
      throw new ProviderResponseError(
        `authorization server ${issuer} does not support PKCE with S256 (its metadata at ${where(url)} lists no S256 in code_challenge_methods_supported)`,
        status,
      );
    }
    const metadata: AuthorizationServerMetadata = {
      issuer,
      ...readEndpoints(document, status),
      tokenEndpointAuthMethods: readAuthMethods(document.token_endpoint_auth_methods_supported),
    };
    const registration = optionalUrl(document, "registration_endpoint", status);
    if (registration !== undefined) metadata.registrationEndpoint = registration;
    return metadata;
  }
  throw new Error("unreachable: there is at least one candidate URI");
}

/** The MCP spec's order, for an issuer with and without a path. */
function metadataUris(issuer: string): string[] {
  const url = URL.parse(issuer);
  if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new ProviderResponseError(
      `authorization server "${issuer}" is not an http(s) URL`,
      undefined,
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "") {
    return [
      `${url.origin}/.well-known/oauth-authorization-server`,
      `${url.origin}/.well-known/openid-configuration`,
    ];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

function readAuthMethods(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return ["client_secret_basic"];
  return value.filter((method): method is string => typeof method === "string");
}
