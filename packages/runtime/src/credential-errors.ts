/**
 * Why a tool gets no credentials, one class per way its caller must react. The credential
 * resolver throws them, the platform sends them over the internal API, and the hosted process
 * throws the same class again, so a tool sees the same error standalone and hosted.
 */

export type CredentialKind = "oauth" | "cred" | "none";

/** The call that fits a server of `kind`: what a tool should have written. */
export const callFor = (kind: CredentialKind) =>
  kind === "oauth" ? "getCredentials()" : `getCredentials("${kind}")`;

/** The credentials cannot be had right now (the provider is down or slow). Retry later. */
export class CredentialsUnavailableError extends Error {
  override readonly name = "CredentialsUnavailableError";
}

/** The request names a user who no longer exists (deleted while the request was under way). */
export class UnknownUserError extends Error {
  override readonly name = "UnknownUserError";

  static of(userId: string): UnknownUserError {
    return new UnknownUserError(
      `the user ${userId} no longer exists: there are no credentials to hand out`,
    );
  }
}

/** Credentials of one kind were asked of a server of another: the message names the right call. */
export class AuthTypeMismatchError extends Error {
  override readonly name = "AuthTypeMismatchError";

  static of(server: string, authType: CredentialKind, asked: CredentialKind) {
    return new AuthTypeMismatchError(
      `${server} is ${authType === "oauth" ? "an" : "a"} ${authType} server, so call ${callFor(authType)} (not ${callFor(asked)})`,
    );
  }
}
