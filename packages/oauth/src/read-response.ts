import { OAuthError, ProviderResponseError } from "./errors.js";
import { isJsonObject } from "./json.js";
import { throwIfOAuthError } from "./token-response.js";
import { parseBearerChallenge } from "./www-authenticate.js";

export interface OAuthResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, still unknown: the caller narrows it. `undefined` for an empty body. */
  body: unknown;
}

/**
 * Turns a final (not retried) answer into a body or the error that says how the caller must react.
 * `where` is the method and URL without its query, so no message carries a token.
 */
export function readResponse(
  status: number,
  headers: Headers,
  text: string,
  where: string,
): OAuthResponse {
  if (status >= 300 && status < 400) {
    throw new ProviderResponseError(`${where} answered a redirect (${status})`, status);
  }
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    if (body === NOT_JSON) throw notJson(where, status, headers);
    return { status, headers, body };
  }
  if (isJsonObject(body)) throwIfOAuthError(body, status);
  // RFC 6750 §3: resource servers (userinfo) report errors in WWW-Authenticate, not the body.
  const bearerError = parseBearerChallenge(headers.get("www-authenticate"))?.error;
  if (bearerError !== undefined) throw new OAuthError(bearerError, undefined, status);
  if (body === NOT_JSON) throw notJson(where, status, headers);
  throw new ProviderResponseError(`${where} answered ${status} without an OAuth error`, status);
}

const NOT_JSON = Symbol("not JSON");

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/**
 * No `cause` on purpose: the SyntaxError quotes the body, and a provider that ignores our Accept
 * header may answer with a form-encoded token response.
 */
function notJson(where: string, status: number, headers: Headers): ProviderResponseError {
  const type = headers.get("content-type") ?? "no content type";
  return new ProviderResponseError(`${where} answered ${status} with ${type}, not JSON`, status);
}

/**
 * An answer the caller handles itself whatever its status (see `returnStatus` in http.ts): the
 * body is parsed JSON when it is JSON, else undefined.
 */
export function passResponse(status: number, headers: Headers, text: string): OAuthResponse {
  const body = parseJson(text);
  return { status, headers, body: body === NOT_JSON ? undefined : body };
}
