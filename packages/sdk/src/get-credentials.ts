import type { AuthMode } from "./config.js";
import { callContext, type FieldValues, type OAuthCredentials } from "./context.js";
import { CredentialsContextError } from "./errors.js";

export type CredentialsFor<M extends AuthMode> = M extends "oauth"
  ? Promise<OAuthCredentials>
  : M extends "cred"
    ? Promise<FieldValues>
    : Readonly<Record<string, string>>;

/**
 * The current user's credentials, inside a tool call:
 * - `getCredentials()` / `getCredentials("oauth")`: the access token, refreshed when near expiry.
 * - `getCredentials("cred")`: the values the user entered in the server's form, by field name.
 * - `getCredentials("none")`: the server's environment variables, synchronously, without the
 *   platform's GUMSTACK_* and GUMLOOP_* ones.
 * @throws AuthRequiredError when the user must connect an account or fill in the form first.
 */
export function getCredentials(): Promise<OAuthCredentials>;
export function getCredentials<M extends AuthMode>(mode: M): CredentialsFor<M>;
export function getCredentials(mode: AuthMode = "oauth"): CredentialsFor<AuthMode> {
  const call = callContext.getStore();
  if (!call) {
    throw new CredentialsContextError(
      "getCredentials() was called outside a tool call: it returns the credentials of the user " +
        "whose request is being served, so call it inside a tool's handler",
    );
  }
  const { source } = call;
  if (source.authType !== mode) {
    const how =
      source.authType === "oauth" ? "getCredentials()" : `getCredentials("${source.authType}")`;
    throw new CredentialsContextError(
      `this server's auth type is ${source.authType}, so call ${how} (not getCredentials("${mode}"))`,
    );
  }
  // Each source records what it hands out in `call.handedOut`, knowing which values are secret.
  if (mode === "none") return source.env(call);
  if (mode === "cred") return source.cred(call);
  return source.oauth(call);
}
