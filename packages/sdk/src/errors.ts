/**
 * The user must act before the tool can run: connect an account, or fill in the credential form.
 * The host turns it into a tool result carrying the URL (and never a secret).
 */
export class AuthRequiredError extends Error {
  override readonly name = "AuthRequiredError";
  constructor(
    readonly url: string,
    readonly reason: "not_connected" | "needs_reauth" | "credentials_missing",
    what: string,
  ) {
    super(
      reason === "credentials_missing"
        ? `${what} needs your credentials first. Enter them here, then try again: ${url}`
        : reason === "needs_reauth"
          ? `Your ${what} connection has expired or was revoked. Reconnect here, then try again: ${url}`
          : `Connect your ${what} account first, then try again: ${url}`,
    );
  }
}

/** getCredentials() was called where no tool call is being served. */
export class CredentialsContextError extends Error {
  override readonly name = "CredentialsContextError";
}

/** A gumstack.yaml (or inline config) that cannot be used; each line names the field. */
export class ServerConfigError extends Error {
  override readonly name = "ServerConfigError";
}

/** Start-up refused: the server's stored data belongs to another auth type. */
export class AuthTypeChangedError extends Error {
  override readonly name = "AuthTypeChangedError";
}
