// An OAuth access token for a bench user on one server, got as an MCP client gets one: a public
// client, the user's consent (a grant), a code with its PKCE challenge, and the token endpoint.
// The consent page is skipped (its grant and code are made as it makes them): the bench measures
// what the gateway does with the token, not the flow that issued it.
import { createHash, randomBytes } from "node:crypto";
import { type Id, mcpClients, mcpGrants, newId } from "@gumstack/db";
import { issueCode, MCP_SCOPE, resourceOf, type Services } from "@gumstack/platform";

const REDIRECT_URI = "http://127.0.0.1:1/callback";

export async function accessTokenFor(
  url: string,
  services: Services,
  who: { userId: string; serverId: string; serverName: string },
): Promise<string> {
  const db = services.database.db;
  const clientId = newId("mcpClient");
  await db.insert(mcpClients).values({
    id: clientId,
    clientId,
    kind: "registered",
    name: "bench",
    redirectUris: [REDIRECT_URI],
    tokenEndpointAuthMethod: "none",
    metadata: "{}",
  });
  const grantId = newId("mcpGrant");
  await db.insert(mcpGrants).values({
    id: grantId,
    userId: who.userId as Id<"user">,
    serverId: who.serverId as Id<"server">,
    clientId,
    clientName: "bench",
    scopes: [MCP_SCOPE],
  });
  const verifier = randomBytes(32).toString("base64url");
  const code = await issueCode(
    db,
    {
      grantId,
      redirectUri: REDIRECT_URI,
      codeChallenge: createHash("sha256").update(verifier).digest("base64url"),
      resource: resourceOf(services.publicUrl, who.serverName),
      scopes: [MCP_SCOPE],
    },
    services.now(),
  );
  const response = await fetch(`${url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: clientId,
    }).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  const body: unknown = await response.json();
  if (
    response.status === 200 &&
    typeof body === "object" &&
    body !== null &&
    "access_token" in body &&
    typeof body.access_token === "string"
  ) {
    return body.access_token;
  }
  throw new Error(`the token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
}
