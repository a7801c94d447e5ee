/**
 * Error codes that mean the connection was never made, so the server cannot have seen the
 * request. A reset (ECONNRESET) or a timeout is not here: the request may have arrived.
 */
const UNSENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** fetch nests the socket error a level or two deep; the bound keeps a cyclic chain finite. */
const MAX_DEPTH = 5;

/**
 * Whether a fetch failure happened before any byte of the request reached a server. fetch wraps
 * the socket error in `cause`, sometimes as an AggregateError with one error per address tried.
 */
export function isUnsentFailure(error: unknown, depth = 0): boolean {
  if (depth >= MAX_DEPTH || !(error instanceof Error)) return false;
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.every((inner) => isUnsentFailure(inner, depth + 1));
  }
  const code = "code" in error ? error.code : undefined;
  if (typeof code === "string" && UNSENT_CODES.has(code)) return true;
  return isUnsentFailure(error.cause, depth + 1);
}
