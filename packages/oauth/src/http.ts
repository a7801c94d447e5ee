import { type BackoffOptions, backoffDelay, parseRetryAfter, sleep } from "./backoff.js";
import { ProviderUnavailableError } from "./errors.js";
import { buildRequest, describeRequest } from "./http-request.js";
import { type OAuthResponse, passResponse, readResponse } from "./read-response.js";
import { isUnsentFailure } from "./unsent-failure.js";

export type { OAuthResponse } from "./read-response.js";

export interface OAuthRequestOptions {
  /** DELETE for the few providers that revoke a grant that way (GitHub). */
  method: "GET" | "POST" | "DELETE";
  /** Sent as application/x-www-form-urlencoded, as RFC 6749 requires for token requests. */
  form?: Readonly<Record<string, string>>;
  /** Sent as application/json, for provider APIs that take JSON (GraphQL, Notion); not with `form`. */
  json?: unknown;
  headers?: Readonly<Record<string, string>>;
  bearer?: string;
  /** Per attempt, body included. Default 10 s. */
  timeoutMs?: number;
  /** The caller's cancellation: it ends the call at once with its own reason, never retried. */
  signal?: AbortSignal;
  /** Tries in all, the first included. Default 3. */
  attempts?: number;
  /**
   * Whether sending the request twice is harmless. An authorization code is single-use: once a
   * server may have received the exchange, a second try can only fail with invalid_grant and
   * hide the real outcome, and may even make the server revoke what the first try issued (RFC 6749
   * §4.1.2). So with `idempotent: false` only failures where the connection was never made
   * (refused, DNS) are retried; a timeout, a reset, a 5xx or a 429 is not. Default true.
   */
  idempotent?: boolean;
  backoff?: BackoffOptions;
  /** A longer Retry-After than this is not waited for: the call fails now. Default 5 s. */
  maxRetryAfterMs?: number;
  /**
   * Final statuses the caller reads itself instead of getting an error: metadata discovery
   * moves on to the next well-known URI on a 404, the MCP probe wants its 401's
   * WWW-Authenticate. Such an answer is returned with its body parsed when it is JSON, else
   * undefined. 429 and 5xx are still retried first.
   */
  returnStatus?: (status: number) => boolean;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

interface Failure {
  error: ProviderUnavailableError;
  retryable: boolean;
  retryAfterMs?: number;
}

/**
 * The one HTTP client under every provider call. Retries only what is safe to retry (network
 * errors, timeouts, 5xx, 429), a bounded number of times, then throws ProviderUnavailableError.
 * Other answers become OAuthError or ProviderResponseError (see readResponse). No message holds
 * a token or the request body.
 */
export async function oauthRequest(
  url: string,
  options: OAuthRequestOptions,
): Promise<OAuthResponse> {
  if (options.form !== undefined && options.json !== undefined) {
    throw new TypeError("a request has a form body or a JSON body, not both");
  }
  const attempts = Math.max(1, Math.floor(options.attempts ?? 3));
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5000;
  const where = describeRequest(options.method, url);
  let failure: Failure | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await attemptOnce(url, options, where);
    if (!("error" in outcome)) return outcome;
    failure = outcome;
    if (!outcome.retryable || attempt === attempts) break;
    // Waiting less than the server asked would only earn another 429; the caller retries later.
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > maxRetryAfterMs) break;
    await sleep(outcome.retryAfterMs ?? backoffDelay(attempt, options.backoff), options.signal);
  }
  if (failure === undefined) throw new Error("unreachable: at least one attempt is made");
  throw failure.error;
}

async function attemptOnce(
  url: string,
  options: OAuthRequestOptions,
  where: string,
): Promise<OAuthResponse | Failure> {
  const idempotent = options.idempotent ?? true;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(url, { ...buildRequest(options), signal });
    if (isTransientStatus(response.status)) {
      await response.body?.cancel();
      return statusFailure(response, where, idempotent);
    }
    text = await response.text();
  } catch (error) {
    // The caller's own abort is a decision, not a provider failure: pass it through untouched.
    options.signal?.throwIfAborted();
    const why = timeout.aborted ? `timed out after ${options.timeoutMs ?? 10_000} ms` : "failed";
    return {
      error: new ProviderUnavailableError(`${where} ${why}`, undefined, { cause: error }),
      retryable: idempotent || isUnsentFailure(error),
    };
  }
  if (options.returnStatus?.(response.status) === true) {
    return passResponse(response.status, response.headers, text);
  }
  return readResponse(response.status, response.headers, text, where);
}

function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function statusFailure(response: Response, where: string, idempotent: boolean): Failure {
  const { status } = response;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const what = status === 429 ? "rate limited the request (429)" : `answered ${status}`;
  const after =
    retryAfterMs === undefined ? "" : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`;
  const failure: Failure = {
    error: new ProviderUnavailableError(`${where} ${what}${after}`, status),
    retryable: idempotent,
  };
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
}
