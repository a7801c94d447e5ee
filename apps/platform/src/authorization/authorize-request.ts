import { servers } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Services } from "../env.js";
import type { ServerRow } from "../servers/owned-server.js";
import { MCP_SCOPE, type McpClient, resourceOf, serverNameOfResource } from "./contracts.js";

/** An authorization request that passed every check: what the consent page shows and acts on. */
export interface AuthorizeRequest {
  client: McpClient;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  /** The server's MCP URL, as resourceOf writes it (a trailing slash the client sent is dropped). */
  resource: string;
  server: ServerRow;
  scopes: readonly string[];
}

/**
 * Why a request was refused. Until the client and its redirect URI are known good the answer is
 * a page (RFC 6749 4.1.2.1: never redirect to an unchecked URI); after that, a redirect to the
 * client with the error (and `state`, `iss`).
 */
export type AuthorizeRefusal =
  | { kind: "page"; message: string }
  | {
      kind: "redirect";
      redirectUri: string;
      state: string | undefined;
      error: "invalid_request" | "unsupported_response_type" | "invalid_target";
      description: string;
    };

/** The parameters an authorization request carries; any other is ignored (RFC 6749 3.1). */
export const AUTHORIZE_PARAMETERS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "code_challenge",
  "code_challenge_method",
  "state",
  "scope",
  "resource",
] as const;

// RFC 7636 4.1: 43 to 128 unreserved characters (an S256 challenge is 43).
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * Checks an authorization request's parameters, in the order RFC 6749 4.1.2.1 asks: the client
 * and its redirect URI first (a problem there is a page), then the rest (a problem there goes
 * back to the client). The same check runs on the consent page's POST: nothing the browser
 * carried between the two is trusted.
 */
export async function checkAuthorizeRequest(
  services: Pick<Services, "clients" | "database" | "publicUrl">,
  params: URLSearchParams,
): Promise<{ ok: true; request: AuthorizeRequest } | { ok: false; refusal: AuthorizeRefusal }> {
  const refuse = (refusal: AuthorizeRefusal) => ({ ok: false as const, refusal });
  const page = (message: string) => refuse({ kind: "page", message });

  const clientIds = params.getAll("client_id");
  if (clientIds.length === 0) return page("client_id: required");
  if (clientIds.length > 1) return page("client_id: given more than once");
  const client = await services.clients.find(clientIds[0] as string);
  if ("problem" in client) return page(client.message);

  const redirectUris = params.getAll("redirect_uri");
  if (redirectUris.length === 0) return page("redirect_uri: required");
  if (redirectUris.length > 1) return page("redirect_uri: given more than once");
  const redirectUri = redirectUris[0] as string;
  if (!services.clients.redirectAllowed(client, redirectUri))
    return page(`redirect_uri: ${client.name} did not register ${redirectUri}`);

  // From here on the redirect URI is the client's own: errors go back to it.
  const states = params.getAll("state");
  const state = states.length === 1 ? states[0] : undefined;
  const back = (error: Exclude<AuthorizeRefusal, { kind: "page" }>["error"], description: string) =>
    refuse({ kind: "redirect", redirectUri, state, error, description });

  for (const name of AUTHORIZE_PARAMETERS) {
    if (params.getAll(name).length > 1)
      return back("invalid_request", `${name}: given more than once`);
  }
  const responseType = params.get("response_type");
  if (responseType === null) return back("invalid_request", "response_type: required (code)");
  if (responseType !== "code")
    return back("unsupported_response_type", "response_type: only code is supported");

  const method = params.get("code_challenge_method");
  if (method === null)
    return back("invalid_request", "code_challenge_method: required (PKCE with S256)");
  if (method !== "S256")
    return back("invalid_request", "code_challenge_method: only S256 is supported");
  const codeChallenge = params.get("code_challenge");
  if (codeChallenge === null) return back("invalid_request", "code_challenge: required (PKCE)");
  if (!CODE_CHALLENGE.test(codeChallenge))
    return back("invalid_request", "code_challenge: must be 43 to 128 URL-safe characters");

  // Required: a plain GET carries no trace of the server a flow started from, and a guess would
  // bind tokens to a server the person never named. MCP clients send it (MCP 2025-06-18 on).
  const resource = params.get("resource");
  if (resource === null)
    return back("invalid_target", "resource: required: the MCP URL of the server (RFC 8707)");
  const name = serverNameOfResource(services.publicUrl, resource);
  const [server] =
    name === undefined
      ? []
      : await services.database.db.select().from(servers).where(eq(servers.name, name));
  if (!server) return back("invalid_target", `resource: ${resource} is not a server of ours`);

  // Only `mcp` is known: anything else asked for is dropped, and `mcp` is what is granted.
  return {
    ok: true,
    request: {
      client,
      redirectUri,
      state,
      codeChallenge,
      resource: resourceOf(services.publicUrl, server.name),
      server,
      scopes: [MCP_SCOPE],
    },
  };
}
