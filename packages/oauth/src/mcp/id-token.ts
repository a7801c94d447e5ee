import { isJsonObject, type JsonObject } from "../json.js";

/**
 * The claims of an ID token that came straight from the token endpoint, when it names this
 * issuer and this client; else undefined. The signature is not checked: OpenID Connect Core
 * §3.1.3.7 (6) lets a client that got the token over TLS from the token endpoint rely on TLS
 * instead, and the claims only ever name the account. Undefined for anything malformed: an ID
 * token is optional here, never a reason to fail a connection.
 */
export function idTokenClaims(
  idToken: unknown,
  issuer: string,
  clientId: string,
): JsonObject | undefined {
  if (typeof idToken !== "string") return undefined;
  const [, payload] = idToken.split(".");
  if (payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  if (!isJsonObject(claims) || claims.iss !== issuer) return undefined;
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  return audience.includes(clientId) ? claims : undefined;
}
