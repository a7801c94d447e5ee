/** Why a callback was refused. Each one stores nothing. */
export type CallbackFailure =
  | "missing_state"
  | "unknown_state"
  | "expired_state"
  | "replayed_state"
  | "wrong_browser"
  | "wrong_user"
  | "provider_error"
  | "missing_code"
  | "exchange_failed";

export class CallbackError extends Error {
  override readonly name = "CallbackError";
  constructor(
    readonly reason: CallbackFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The user has no usable connection: they must connect (or reconnect) an account. */
export class ConnectionRequiredError extends Error {
  override readonly name = "ConnectionRequiredError";
  constructor(
    readonly provider: string,
    readonly reason: "not_connected" | "needs_reauth",
    options?: { cause?: unknown },
  ) {
    super(
      reason === "not_connected"
        ? `no ${provider} account is connected`
        : `the ${provider} connection needs to be authorized again`,
      options,
    );
  }
}

/**
 * The token could not be refreshed for now (the provider is unreachable or slow). The connection
 * stays active: the next call tries again.
 */
export class RefreshUnavailableError extends Error {
  override readonly name = "RefreshUnavailableError";
}

/** A return URL outside the allow-list: refused rather than followed (no open redirect). */
export class ReturnUrlError extends Error {
  override readonly name = "ReturnUrlError";
}
