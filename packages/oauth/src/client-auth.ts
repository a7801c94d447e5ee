/** How the client proves itself at the token and revocation endpoints (RFC 6749 §2.3.1). */
export type ClientAuthMethod = "basic" | "post";

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  clientAuth?: ClientAuthMethod;
}

/**
 * Adds the client's credentials to a token-endpoint request. Without a secret the client is
 * public and only names itself in the form.
 */
export function authenticateClient(
  credentials: ClientCredentials,
  form: Record<string, string>,
): { form: Record<string, string>; headers: Record<string, string> } {
  const { clientId, clientSecret } = credentials;
  if (clientSecret === undefined) {
    return { form: { ...form, client_id: clientId }, headers: {} };
  }
  if (credentials.clientAuth === "post") {
    return { form: { ...form, client_id: clientId, client_secret: clientSecret }, headers: {} };
  }
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64, so a ":" in the id survives.
  const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return { form, headers: { authorization: `Basic ${Buffer.from(pair).toString("base64")}` } };
}

function formEncode(value: string): string {
  return new URLSearchParams([["", value]]).toString().slice(1);
}
