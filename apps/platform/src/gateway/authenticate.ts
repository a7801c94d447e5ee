import type { Id } from "@gumstack/db";
import { MCP_SCOPE } from "../authorization/contracts.js";
import { resourceMetadataUrl } from "../authorization/metadata.js";
import { TokenVerifier } from "../authorization/token-verifier.js";
import type { Services } from "../env.js";

export type GatewayCaller =
  | { userId: Id<"user"> }
  | { userId: null; status: 400 | 401; message: string; challenge: string };

// RFC 6750 2.3 would allow it; OAuth 2.1 does not, and here it would be relayed to the server.
const tokenInQuery = (query: string) =>
  query !== "" && new URLSearchParams(query.slice(1)).has("access_token");

/**
 * Who a call to `/mcp/<server>` is from: an API key (`gsk_…`) or one of our OAuth access tokens
 * (`gsa_…`, for this server only), told apart by prefix so each call costs one check. A refusal
 * carries the challenge MCP clients start authorization from (RFC 9728 5.1, RFC 6750 3).
 */
export function gatewayAuthenticator(
  services: Pick<Services, "apiKeys" | "mcpTokens" | "publicUrl">,
) {
  const { apiKeys, mcpTokens, publicUrl } = services;
  const challenge = (name: string, error?: string) =>
    `Bearer resource_metadata="${resourceMetadataUrl(publicUrl, name)}", scope="${MCP_SCOPE}"${
      error === undefined ? "" : `, error="${error}"`
    }`;
  return async function authenticate(
    authorization: string | undefined,
    name: string,
    query: string,
  ): Promise<GatewayCaller> {
    if (tokenInQuery(query)) {
      return {
        userId: null,
        status: 400,
        message: "Bad Request: send the token in the Authorization header, never in the URL",
        challenge: challenge(name, "invalid_request"),
      };
    }
    const userId = TokenVerifier.carries(authorization)
      ? ((await mcpTokens.verify(authorization, name))?.userId ?? null)
      : await apiKeys.verify(authorization);
    if (userId !== null) return { userId };
    return authorization === undefined
      ? {
          userId: null,
          status: 401,
          message: "Unauthorized: sign in with OAuth, or send Authorization: Bearer <your API key>",
          challenge: challenge(name),
        }
      : {
          userId: null,
          status: 401,
          message:
            "Unauthorized: the token or API key is invalid, expired, revoked or for another server",
          challenge: challenge(name, "invalid_token"),
        };
  };
}
