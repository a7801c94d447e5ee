import { type DiscoveryRequestOptions, discoveryRequest } from "../discovery.js";
import { ProviderResponseError } from "../errors.js";
import { oauthRequest } from "../http.js";
import { isJsonObject, type JsonObject, nonEmptyString } from "../json.js";
import { parseBearerChallenge } from "../www-authenticate.js";
import { sameResource } from "./resource-uri.js";
import { isNotServedHere, where } from "./where.js";

/** What an MCP server's RFC 9728 metadata (and its 401 challenge) tell a client. */
export interface ProtectedResource {
  /** The metadata's `resource`, checked to name the server: the RFC 8707 `resource` we send. */
  resource: string;
  /** The first of `authorization_servers` (RFC 9728 §7.6 leaves the choice to the client). */
  authorizationServer: string;
  /** `scope` of the 401's Bearer challenge, which the MCP spec makes authoritative. */
  challengedScopes?: string[];
  scopesSupported?: string[];
}

/** A JSON-RPC initialize, as a client's first request: what a protected server answers 401. */
const PROBE = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "gumstack-discovery", version: "1.0.0" },
  },
};

/**
 * MCP authorization, "Protected Resource Metadata Discovery": an unauthenticated initialize;
 * a 401's `resource_metadata` names the document, else the well-known URIs are tried, the
 * path-aware one first. The document's `resource` must name the server (RFC 9728 §3.3, §7.3),
 * or tokens for another resource could be sent to it.
 */
export async function discoverProtectedResource(
  serverUrl: string,
  options: DiscoveryRequestOptions,
): Promise<ProtectedResource> {
  const probe = await oauthRequest(serverUrl, {
    ...discoveryRequest(options),
    method: "POST",
    json: PROBE,
    // Streamable HTTP servers answer 406 to a client that does not accept both.
    headers: { accept: "application/json, text/event-stream" },
    returnStatus: () => true,
  });
  const challenge =
    probe.status === 401 ? parseBearerChallenge(probe.headers.get("www-authenticate")) : undefined;
  const named = challenge?.resource_metadata;
  const candidates = named === undefined ? wellKnownUris(serverUrl) : [named];
  for (const [index, url] of candidates.entries()) {
    if (!URL.canParse(url)) {
      throw new ProviderResponseError(
        `${where(serverUrl)} named a resource_metadata that is not a URL`,
        probe.status,
      );
    }
    const { status, body } = await oauthRequest(url, {
      ...discoveryRequest(options),
      returnStatus: isNotServedHere,
    });
    if (isNotServedHere(status) && index < candidates.length - 1) continue;
    if (isNotServedHere(status)) {
      throw new ProviderResponseError(
        `no protected resource metadata for ${where(serverUrl)}: ${where(url)} answered ${status}`,
        status,
      );
    }
    const resource = readMetadata(url, serverUrl, status, body);
    const scopes = challenge?.scope?.split(" ").filter((scope) => scope !== "");
    if (scopes !== undefined && scopes.length > 0) resource.challengedScopes = scopes;
    return resource;
  }
  throw new Error("unreachable: there is at least one candidate URI");
}

/** RFC 9728 §3.1: the well-known string goes between the host and the path. */
function wellKnownUris(serverUrl: string): string[] {
  const url = new URL(serverUrl);
  const root = `${url.origin}/.well-known/oauth-protected-resource`;
  const path = url.pathname.replace(/\/+$/, "");
  return path === "" ? [root] : [`${root}${path}${url.search}`, root];
}

function readMetadata(
  url: string,
  serverUrl: string,
  status: number,
  body: unknown,
): ProtectedResource {
  const at = `protected resource metadata at ${where(url)}`;
  if (!isJsonObject(body)) throw new ProviderResponseError(`${at} is not a JSON object`, status);
  const resource = nonEmptyString(body.resource);
  if (resource === undefined || !sameResource(resource, serverUrl)) {
    const named = resource === undefined ? "no resource" : `resource "${where(resource)}"`;
    throw new ProviderResponseError(
      `${at} names ${named}, not the server's URL "${where(serverUrl)}"`,
      status,
    );
  }
  const servers = stringList(body, "authorization_servers", at, status);
  const authorizationServer = servers?.find((server) => URL.canParse(server));
  if (authorizationServer === undefined) {
    throw new ProviderResponseError(`${at} lists no authorization_servers URL`, status);
  }
  const metadata: ProtectedResource = { resource, authorizationServer };
  const scopes = stringList(body, "scopes_supported", at, status);
  if (scopes !== undefined && scopes.length > 0) metadata.scopesSupported = scopes;
  return metadata;
}

function stringList(
  body: JsonObject,
  key: string,
  at: string,
  status: number,
): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) {
    throw new ProviderResponseError(`${at}: ${key} is not a list of strings`, status);
  }
  return value;
}
