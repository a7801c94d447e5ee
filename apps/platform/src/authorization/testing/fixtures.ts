import { createHash, randomBytes } from "node:crypto";
import {
  type Database,
  type Id,
  type McpTokenAuthMethod,
  mcpClients,
  mcpGrants,
  newId,
  servers,
} from "@gumstack/db";
import { createUser } from "@gumstack/runtime";
import { issueCode } from "../codes.js";
import { MCP_SCOPE, resourceOf } from "../contracts.js";
import { hashOf } from "../secrets.js";

/*
 * What the token side's tests start from, stored as the rest of the authorization server stores
 * it: a client row in mcp_clients (as registration makes one), a user's grant, and a code issued
 * by issueCode as the consent page issues one.
 */

export const REDIRECT_URI = "http://127.0.0.1:33418/callback";

export interface SeededClient {
  clientId: string;
  secret: string | undefined;
}

export async function seedClient(
  db: Database,
  method: McpTokenAuthMethod = "none",
): Promise<SeededClient> {
  const clientId = newId("mcpClient");
  const secret = method === "none" ? undefined : randomBytes(24).toString("base64url");
  await db.insert(mcpClients).values({
    id: clientId,
    clientId,
    kind: "registered",
    name: `client ${method}`,
    redirectUris: [REDIRECT_URI],
    tokenEndpointAuthMethod: method,
    secretHash: secret === undefined ? null : hashOf(secret),
    metadata: "{}",
  });
  return { clientId, secret };
}

export async function seedServer(db: Database, name: string): Promise<Id<"server">> {
  const ownerId = await createUser(db, `owner of ${name}`);
  const id = newId("server");
  await db.insert(servers).values({ id, name, authType: "none", sourcePath: null, ownerId });
  return id;
}

export async function seedGrant(
  db: Database,
  grant: { userId: Id<"user">; serverId: Id<"server">; clientId: string },
): Promise<Id<"mcpGrant">> {
  const id = newId("mcpGrant");
  await db.insert(mcpGrants).values({ id, ...grant, clientName: "a client", scopes: [MCP_SCOPE] });
  return id;
}

/** A PKCE pair (RFC 7636): the verifier the client keeps, the S256 challenge it sends. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export interface Flow {
  client: SeededClient;
  userId: Id<"user">;
  serverId: Id<"server">;
  grantId: Id<"mcpGrant">;
  resource: string;
}

/** A user who consented to `client` using server `serverName`. */
export async function seedFlow(
  db: Database,
  publicUrl: string,
  serverName: string,
  client: SeededClient,
): Promise<Flow> {
  const userId = await createUser(db, "ada");
  const serverId = await seedServer(db, serverName);
  const grantId = await seedGrant(db, { userId, serverId, clientId: client.clientId });
  return { client, userId, serverId, grantId, resource: resourceOf(publicUrl, serverName) };
}

/** A code for the flow, as the consent page issues one, with its verifier. */
export async function codeFor(
  db: Database,
  flow: Flow,
  now: number,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const code = await issueCode(
    db,
    {
      grantId: flow.grantId,
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      resource: flow.resource,
      scopes: [MCP_SCOPE],
    },
    now,
  );
  return { code, verifier };
}

/** A form POST, as an OAuth client sends one. */
export function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

/** RFC 6749 2.3.1's Basic header. */
export const basic = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;

/** The token response's fields this suite reads, checked. */
export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

export async function tokensOf(response: Response): Promise<Tokens> {
  const body: unknown = await response.json();
  if (response.status !== 200)
    throw new Error(`token request: ${response.status} ${JSON.stringify(body)}`);
  if (
    typeof body === "object" &&
    body !== null &&
    "access_token" in body &&
    typeof body.access_token === "string" &&
    "refresh_token" in body &&
    typeof body.refresh_token === "string"
  ) {
    return body as Tokens;
  }
  throw new Error(`not a token response: ${JSON.stringify(body)}`);
}

/** A code issued for the flow and exchanged at `platformUrl`'s token endpoint, as its client would. */
export async function pairFor(
  db: Database,
  platformUrl: string,
  flow: Flow,
  now: number,
  headers: Record<string, string> = {},
): Promise<Tokens> {
  const { code, verifier } = await codeFor(db, flow, now);
  return tokensOf(
    await postForm(
      `${platformUrl}/oauth/token`,
      {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: flow.client.clientId,
      },
      headers,
    ),
  );
}
