import { OAuthError, ProviderResponseError } from "./errors.js";
import { isJsonObject, type JsonObject, nonEmptyString } from "./json.js";
import type { TokenResponse } from "./provider.js";

/**
 * Narrows an RFC 6749 §5.1 token response, tolerating what real providers send. An error body
 * (§5.2) becomes an OAuthError even on a 200: some providers answer errors with 200.
 * Messages name fields, never their values: the body holds tokens.
 */
export function parseTokenResponse(body: unknown, status?: number): TokenResponse {
  if (!isJsonObject(body)) {
    throw new ProviderResponseError("token response is not a JSON object", status);
  }
  throwIfOAuthError(body, status);
  const accessToken = nonEmptyString(body.access_token);
  if (accessToken === undefined) {
    throw new ProviderResponseError("token response has no access_token string", status);
  }
  const response: TokenResponse = {
    accessToken,
    // RFC 6749 makes token_type required, but some providers omit it; bearer is what they mean.
    tokenType: optionalString(body, "token_type", status) ?? "bearer",
    raw: { ...body },
  };
  const refreshToken = optionalString(body, "refresh_token", status);
  if (refreshToken !== undefined) response.refreshToken = refreshToken;
  const expiresIn = optionalSeconds(body, "expires_in", status);
  if (expiresIn !== undefined) response.expiresIn = expiresIn;
  // Absolute epoch seconds, which some providers send instead of (or beside) expires_in.
  const expiresAt = optionalSeconds(body, "expires_at", status);
  if (expiresAt !== undefined) response.expiresAt = new Date(expiresAt * 1000);
  const scopes = parseScopes(body.scope, status);
  if (scopes !== undefined) response.scopes = scopes;
  return response;
}

/** Throws the OAuthError an `error` member describes; does nothing when there is none. */
export function throwIfOAuthError(body: JsonObject, status: number | undefined): void {
  if (body.error === undefined || body.error === null) return;
  const code = nonEmptyString(body.error);
  if (code === undefined) {
    throw new ProviderResponseError("error response has a non-string error code", status);
  }
  throw new OAuthError(code, nonEmptyString(body.error_description), status);
}

/** A string member, with null and "" read as absent (some providers send either for "none"). */
function optionalString(body: JsonObject, key: string, status?: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    throw new ProviderResponseError(`token response ${key} is not a string`, status);
  }
  return value;
}

/** A count of seconds as a number or a numeric string (Microsoft Entra sends strings). */
function optionalSeconds(body: JsonObject, key: string, status?: number): number | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === "") return undefined;
  const seconds =
    typeof value === "number" ? value : typeof value === "string" ? parseDecimal(value) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ProviderResponseError(`token response ${key} is not a number of seconds`, status);
  }
  return seconds;
}

function parseDecimal(text: string): number {
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
}

/** RFC 6749 separates scopes with spaces; some providers use commas, a few send an array. */
function parseScopes(value: unknown, status?: number): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const parts =
    typeof value === "string"
      ? value.split(/[\s,]+/)
      : Array.isArray(value) && value.every((scope): scope is string => typeof scope === "string")
        ? value
        : undefined;
  if (parts === undefined) {
    throw new ProviderResponseError("token response scope is not a string", status);
  }
  return parts.filter((scope) => scope.length > 0);
}
