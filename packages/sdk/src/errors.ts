import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";

/** The reasons a user must act before a tool can run. */
export type AuthRequiredReason = "not_connected" | "needs_reauth" | "credentials_missing";

/**
 * The user must act before the tool can run: connect an account, or fill in the credential form.
 * To a client that takes URL-mode elicitations it is the spec's URLElicitationRequiredError
 * (-32042, the link in `data.elicitations`), which the McpServer passes on as the call's error;
 * to any other client, a tool result carrying the URL (and never a secret), as before.
 */
export class AuthRequiredError extends McpError {
  override readonly name = "AuthRequiredError";
  /** Set when the link went out as a URL-mode elicitation of this id. */
  readonly elicitationId: string | undefined;

  constructor(
    readonly url: string,
    readonly reason: AuthRequiredReason,
    what: string,
    elicitationId?: string,
  ) {
    const text = authRequiredText(reason, what);
    const message = `${text}, then try again: ${url}`;
    super(
      elicitationId === undefined ? ErrorCode.InvalidRequest : ErrorCode.UrlElicitationRequired,
      message,
      elicitationId === undefined
        ? undefined
        : { elicitations: [{ mode: "url", elicitationId, url, message: `${text}.` }] },
    );
    // McpError prefixes "MCP error <code>:"; the text a model reads stays plain.
    this.message = message;
    this.elicitationId = elicitationId;
  }
}

function authRequiredText(reason: AuthRequiredReason, what: string): string {
  if (reason === "credentials_missing")
    return `${what} needs your credentials first. Enter them here`;
  if (reason === "needs_reauth")
    return `Your ${what} connection has expired or was revoked. Reconnect here`;
  return `Connect your ${what} account first`;
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
