/**
 * Provider failures, one class per way a caller must react. The broker's reactions:
 * - OAuthError with code `invalid_grant`: the grant is gone; mark the connection needs_reauth.
 * - ProviderUnavailableError: network, timeout, 5xx, 429; retry with backoff, never mark dead.
 * - ProviderResponseError: the provider answered something we cannot read; do not retry.
 */
export class OAuthError extends Error {
  override readonly name = "OAuthError";
  constructor(
    /** The RFC 6749 error code as the provider sent it (`invalid_grant`, `access_denied`...). */
    readonly code: string,
    readonly description: string | undefined,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(description ? `${code}: ${description}` : code, options);
  }
}

export class ProviderUnavailableError extends Error {
  override readonly name = "ProviderUnavailableError";
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ProviderResponseError extends Error {
  override readonly name = "ProviderResponseError";
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
