import { OAuthError, ProviderResponseError, ProviderUnavailableError } from "../errors.js";
import { isUnsentFailure } from "../unsent-failure.js";

/**
 * Whether a failed call says the endpoint it used is not there any more: a redirect, 404 or 410,
 * or a connection that could not be made. Only then can discovering again help; any other answer
 * came from the endpoint itself.
 */
export function movedAway(error: unknown): boolean {
  if (error instanceof ProviderUnavailableError) {
    return error.status === undefined && isUnsentFailure(error.cause);
  }
  if (error instanceof ProviderResponseError || error instanceof OAuthError) {
    const { status } = error;
    return (
      status !== undefined && ((status >= 300 && status < 400) || status === 404 || status === 410)
    );
  }
  return false;
}
