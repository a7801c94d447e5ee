import type { Id, McpTokenAuthMethod } from "@gumstack/db";

/*
 * Gumstack as the OAuth 2.1 authorization server for its own `/mcp/<server>` endpoints (MCP
 * authorization, 2025-11-25). The pieces meet here:
 *
 * - clients/: who a client_id is (a registered client, a pre-registered one, or the URL of a
 *   Client ID Metadata Document) and which redirect URIs it may use;
 * - authorize: the consent page; it remembers the user's consent as a grant and issues a code;
 * - tokens: the token endpoint (codes and refresh tokens), revocation, and the gateway's check of
 *   an access token;
 * - metadata: RFC 9728 and RFC 8414 documents.
 */

/** The one scope: full use of one server's tools, resources and prompts, as the user would have. */
export const MCP_SCOPE = "mcp";

/** A server's MCP URL: what a token is for (its `resource`, RFC 8707) and what it is checked against. */
export function resourceOf(publicUrl: string, serverName: string): string {
  return `${publicUrl}/mcp/${serverName}`;
}

/** The server a `resource` names, or undefined when it names none of ours. A trailing slash is allowed. */
export function serverNameOfResource(publicUrl: string, resource: string): string | undefined {
  const prefix = `${publicUrl}/mcp/`;
  if (!resource.startsWith(prefix)) return undefined;
  const name = resource.slice(prefix.length).replace(/\/$/, "");
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(name) ? name : undefined;
}

/** A client as the consent page and the token endpoint see it, wherever it came from. */
export interface McpClient {
  clientId: string;
  /** Where it came from: a metadata document is verified by its URL's host; a registration is not. */
  kind: "metadata-document" | "registered" | "preregistered";
  name: string;
  redirectUris: readonly string[];
  tokenEndpointAuthMethod: McpTokenAuthMethod;
  clientUri?: string;
  logoUri?: string;
}

/** Why a client_id could not be used, to show on an error page (never a redirect: RFC 6749 4.1.2.1). */
export interface ClientProblem {
  problem: "unknown_client" | "invalid_client_metadata" | "client_metadata_unreachable";
  message: string;
}

export interface ClientRegistry {
  /** The client behind a client_id (fetching its metadata document when it is a URL). */
  find(clientId: string): Promise<McpClient | ClientProblem>;
  /**
   * Whether a redirect_uri may be used by this client: exactly one it declared, except a loopback
   * one, whose port may differ (RFC 8252 7.3).
   */
  redirectAllowed(client: McpClient, redirectUri: string): boolean;
  /** Checks the secret of a confidential client at the token endpoint. */
  authenticate(client: McpClient, secret: string | undefined): Promise<boolean>;
}

/** Who an access token speaks for, once checked at the gateway. */
export interface TokenCaller {
  userId: Id<"user">;
  serverId: Id<"server">;
  grantId: Id<"mcpGrant">;
  clientId: string;
}
