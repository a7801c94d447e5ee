import { servers } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { MCP_SCOPE, resourceOf } from "./contracts.js";
import { openCors } from "./cors.js";
import { REVOKE_PATH } from "./revoke.js";
import { TOKEN_PATH } from "./token-endpoint.js";

const PROTECTED_RESOURCE = "/.well-known/oauth-protected-resource";

/** Where a server's RFC 9728 document is: what the gateway's 401 points MCP clients to. */
export const resourceMetadataUrl = (publicUrl: string, serverName: string) =>
  `${publicUrl}${PROTECTED_RESOURCE}/mcp/${serverName}`;

const AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"];

/**
 * RFC 8414 (and the OpenID discovery path, which clients try next). The issuer is the public
 * URL exactly: it has no path, so both live at the root, where the SDK's client looks first.
 */
export function authorizationServerMetadata(publicUrl: string) {
  return {
    issuer: publicUrl,
    authorization_endpoint: `${publicUrl}/oauth/authorize`,
    token_endpoint: `${publicUrl}${TOKEN_PATH}`,
    registration_endpoint: `${publicUrl}/oauth/register`,
    revocation_endpoint: `${publicUrl}${REVOKE_PATH}`,
    scopes_supported: [MCP_SCOPE],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}

const serve = (c: Context<AppEnv>, body: object) =>
  // Documents change only with a release: a client may keep one for a few minutes.
  c.json(body, 200, { "Cache-Control": "public, max-age=300" });

/** The metadata documents, readable from any origin (browser-based clients discover too). */
export function registerMetadata(app: Hono<AppEnv>) {
  app.use("/.well-known/*", openCors());
  for (const path of [
    "/.well-known/oauth-authorization-server",
    "/.well-known/openid-configuration",
  ]) {
    app.get(path, (c) => serve(c, authorizationServerMetadata(c.var.publicUrl)));
  }
  // RFC 9728 3.1: the resource's path after the well-known name.
  app.get(`${PROTECTED_RESOURCE}/mcp/:server{[a-z0-9][a-z0-9-]{0,62}}`, async (c) => {
    const name = c.req.param("server");
    const [server] = await c.var.database.db
      .select({ name: servers.name })
      .from(servers)
      .where(eq(servers.name, name));
    if (!server) throw new ApiError("not_found", `no server named ${name}`);
    return serve(c, {
      resource: resourceOf(c.var.publicUrl, server.name),
      authorization_servers: [c.var.publicUrl],
      scopes_supported: [MCP_SCOPE],
      bearer_methods_supported: ["header"],
      resource_name: server.name,
    });
  });
}
