import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import type { RemoteServer } from "../bridge/testing/remote-servers.js";

export interface OAuthGuardedServerOptions {
  /** The authorization server whose JWT access tokens it accepts (RFC 9068, checked on its JWKS). */
  issuer: string;
  /** `scope` of the 401's challenge; without it a client falls back to `scopes_supported`. */
  challengeScopes?: readonly string[];
  /** `scopes_supported` of its resource metadata. */
  scopesSupported?: readonly string[];
  /**
   * Names the metadata in the 401's WWW-Authenticate (RFC 9728 §5.1). Default true; false makes
   * a client find it at the well-known URI.
   */
  advertiseMetadata?: boolean;
  /** The `resource` its metadata claims, for a test of a client that must refuse a mismatch. */
  advertisedResource?: string;
}

export interface OAuthGuardedServer extends RemoteServer {
  /** `http://127.0.0.1:<port>/mcp`: the MCP endpoint, and the resource its tokens must name. */
  readonly url: string;
  /** Its RFC 9728 metadata, at the path-aware well-known URI. */
  readonly metadataUrl: string;
  /** Why each refused request was refused (`no token`, `audience`...), in order; never a token. */
  readonly refusals: readonly string[];
  /**
   * From now on, every token of `sub` is refused (401 `invalid_token`), valid or not: what a
   * server does once the account lost access. `allow` undoes it.
   */
  refuse(sub: string): void;
  allow(sub: string): void;
}

/**
 * An MCP server of the SDK's (Streamable HTTP, a session per client) protected by MCP
 * authorization: every request needs a bearer JWT from `issuer` whose `aud` is this server
 * (RFC 8707), unexpired, else 401 with `WWW-Authenticate: Bearer resource_metadata="…"`. It
 * serves its RFC 9728 metadata. Tool `whoami` answers the token's `sub`, so a test can see whose
 * token arrived.
 *
 * Not the SDK's requireBearerAuth/mcpAuthMetadataRouter: they are Express middleware, and this
 * package serves node:http; the check below is what they would do, with jose.
 */
export async function startOAuthGuardedServer(
  o: OAuthGuardedServerOptions,
): Promise<OAuthGuardedServer> {
  const jwks = createRemoteJWKSet(new URL(await jwksUri(o.issuer)));
  const refusals: string[] = [];
  const refused = new Set<string>();
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let resource = "";
  let metadataUrl = "";

  const newSession = () => {
    const mcp = new McpServer({ name: "oauth-guarded", version: "1.0.0" });
    mcp.registerTool("whoami", {}, (extra) => ({
      content: [{ type: "text", text: String(extra.authInfo?.extra?.sub ?? "nobody") }],
    }));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    void mcp.connect(transport);
    return transport;
  };

  const challenge = (error?: { code: string; description: string }) => {
    const params = [
      ...(error ? [`error="${error.code}"`, `error_description="${error.description}"`] : []),
      ...(o.advertiseMetadata === false ? [] : [`resource_metadata="${metadataUrl}"`]),
      ...(o.challengeScopes?.length ? [`scope="${o.challengeScopes.join(" ")}"`] : []),
    ];
    return `Bearer ${params.join(", ")}`.trim();
  };

  const refuse = (res: ServerResponse, reason: string, description?: string) => {
    refusals.push(reason);
    const error = description ? { code: "invalid_token", description } : undefined;
    res.writeHead(401, {
      "content-type": "application/json",
      "www-authenticate": challenge(error),
    });
    res.end(JSON.stringify(error ? { error: error.code, error_description: description } : {}));
  };

  const authenticate = async (req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers.authorization;
    if (header === undefined || !/^bearer /i.test(header)) {
      refuse(res, "no token");
      return undefined;
    }
    const token = header.slice("bearer ".length).trim();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: o.issuer,
        audience: resource,
        typ: "at+jwt",
      });
      const auth: AuthInfo = {
        token,
        clientId: String(payload.client_id ?? ""),
        scopes: typeof payload.scope === "string" ? payload.scope.split(" ") : [],
        resource: new URL(resource),
        extra: { sub: payload.sub },
      };
      if (payload.exp !== undefined) auth.expiresAt = payload.exp;
      if (payload.sub !== undefined && refused.has(payload.sub)) {
        refuse(res, "account refused", "this account has no access here");
        return undefined;
      }
      return auth;
    } catch (error) {
      if (!(error instanceof joseErrors.JOSEError)) throw error;
      const reason =
        error instanceof joseErrors.JWTClaimValidationFailed ? error.claim : error.code;
      refuse(res, reason, `the token is not valid here (${reason})`);
      return undefined;
    }
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", resource).pathname;
    if (req.method === "GET" && path === new URL(metadataUrl).pathname) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          resource: o.advertisedResource ?? resource,
          authorization_servers: [o.issuer],
          bearer_methods_supported: ["header"],
          ...(o.scopesSupported ? { scopes_supported: o.scopesSupported } : {}),
        }),
      );
      return;
    }
    if (path !== "/mcp") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    const auth = await authenticate(req, res);
    if (auth === undefined) return;
    const id = req.headers["mcp-session-id"];
    const transport = typeof id === "string" ? sessions.get(id) : newSession();
    if (!transport) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no session"}');
      return;
    }
    await transport.handleRequest(Object.assign(req, { auth }), res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  resource = `http://127.0.0.1:${port}/mcp`;
  metadataUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
  return {
    url: resource,
    metadataUrl,
    refusals,
    refuse: (sub) => refused.add(sub),
    allow: (sub) => refused.delete(sub),
    stop: async () => {
      for (const transport of sessions.values()) await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The issuer's JWKS location, from its discovery document. */
async function jwksUri(issuer: string): Promise<string> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  const document: unknown = await response.json();
  const uri =
    typeof document === "object" && document !== null && "jwks_uri" in document
      ? document.jwks_uri
      : undefined;
  if (typeof uri !== "string") throw new Error(`${issuer} names no jwks_uri`);
  return uri;
}
