import type { Context } from "hono";

/**
 * The token and revocation endpoints' errors (RFC 6749 5.2, RFC 7009 2.2.1, RFC 8707 2): not the
 * API's `{ error: { code } }` shape but the one OAuth clients parse, `{ error, error_description }`.
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "unsupported_token_type";

export class OAuthError extends Error {
  override readonly name = "OAuthError";
  /** invalid_client when the client tried `Authorization: Basic`: answered with a Basic challenge. */
  readonly basic: boolean;

  constructor(
    readonly code: OAuthErrorCode,
    /** Names the field at fault: `error_description`. */
    message: string,
    options: { basic?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.basic = options.basic ?? false;
  }
}

/** Headers every answer of these endpoints carries: none may be kept by a cache (RFC 6749 5.1). */
export const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/**
 * RFC 6749 5.2 allows printable ASCII but `"` and `\` in error_description; a message may
 * quote what the client sent (its client_id): a double quote becomes a single one, anything else
 * outside the range `?`, and it is kept short.
 */
const MAX_DESCRIPTION = 300;
export const describable = (message: string) =>
  message
    .replaceAll('"', "'")
    .replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "?")
    .slice(0, MAX_DESCRIPTION);

/** 400, or 401 for invalid_client (a client that gets it registers again). */
export function oauthErrorResponse(c: Context, error: OAuthError): Response {
  const status = error.code === "invalid_client" ? 401 : 400;
  const headers: Record<string, string> = { ...NO_STORE };
  if (error.basic) headers["WWW-Authenticate"] = 'Basic realm="gumstack", charset="UTF-8"';
  return c.json(
    { error: error.code, error_description: describable(error.message) },
    status,
    headers,
  );
}
