import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { addressProblem, type Clock } from "@gumstack/runtime";

/*
 * One GET of a Client ID Metadata Document, at a URL anyone can choose: bounded in size and
 * time, never following a redirect, and connecting only to an address that was checked. DNS is
 * resolved here and the connection goes to that very address (the URL's host is kept for the
 * Host header and TLS), so a name that answers differently a moment later (DNS rebinding)
 * cannot slip a private address in between the check and the connection.
 */

export type Resolve = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface FetchLimits {
  /** How long the whole fetch (DNS, connection, body) may take. */
  timeoutMs: number;
  /** The largest body read; a longer one is refused, not cut. */
  maxBytes: number;
}

export interface DocumentFetchOptions extends FetchLimits {
  clock: Clock;
  /** The development switch: loopback and private addresses allowed (tests, a local client). */
  allowPrivate: boolean;
  resolve?: Resolve;
}

export interface FetchedDocument {
  body: string;
  /** Cache-Control's max-age, when it gave one (`no-store` and `no-cache` count as 0). */
  maxAgeSeconds: number | undefined;
}

/** A metadata document could not be fetched; the message says why, for an error page. */
export class DocumentFetchError extends Error {
  override readonly name: string = "DocumentFetchError";
}
export class AddressRefusedError extends DocumentFetchError {
  override readonly name = "AddressRefusedError";
}
export class DocumentTimeoutError extends DocumentFetchError {
  override readonly name = "DocumentTimeoutError";
}
export class RedirectRefusedError extends DocumentFetchError {
  override readonly name = "RedirectRefusedError";
}
export class DocumentTooLargeError extends DocumentFetchError {
  override readonly name = "DocumentTooLargeError";
}
/** DNS, the connection, or a status other than 200. */
export class DocumentUnavailableError extends DocumentFetchError {
  override readonly name = "DocumentUnavailableError";
}

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export async function fetchDocument(
  url: URL,
  options: DocumentFetchOptions,
): Promise<FetchedDocument> {
  const controller = new AbortController();
  const cancel = options.clock.at(options.clock.now() + options.timeoutMs, () =>
    controller.abort(
      new DocumentTimeoutError(`took longer than ${options.timeoutMs / 1000} s to answer`),
    ),
  );
  try {
    const address = await checkedAddress(url, options, controller.signal);
    return await get(url, address, options.maxBytes, controller.signal);
  } finally {
    cancel();
  }
}

async function checkedAddress(
  url: URL,
  options: DocumentFetchOptions,
  signal: AbortSignal,
): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(host);
  let answers: Array<{ address: string; family: number }>;
  if (family !== 0) {
    answers = [{ address: host, family }];
  } else {
    try {
      answers = await untilAborted((options.resolve ?? systemResolve)(host), signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new DocumentUnavailableError(
        `cannot be fetched: its host ${host} could not be resolved`,
        {
          cause: error,
        },
      );
    }
  }
  const [first] = answers;
  if (first === undefined)
    throw new DocumentUnavailableError(`cannot be fetched: its host ${host} has no address`);
  if (!options.allowPrivate) {
    // Every answer, not only the first: which one a later connection would pick is not ours.
    for (const { address } of answers) {
      const problem = addressProblem(address);
      if (problem)
        throw new AddressRefusedError(
          `cannot be fetched: its host ${host} is at ${address}, a ${problem} address`,
        );
    }
  }
  return first;
}

function get(
  url: URL,
  to: { address: string; family: number },
  maxBytes: number,
  signal: AbortSignal,
): Promise<FetchedDocument> {
  const https = url.protocol === "https:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise<FetchedDocument>((resolve, reject) => {
    const fail = (error: unknown) => reject(signal.aborted ? signal.reason : error);
    const request = (https ? httpsRequest : httpRequest)(
      {
        host: to.address,
        family: to.family,
        port: url.port === "" ? (https ? 443 : 80) : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: "GET",
        headers: { host: url.host, accept: "application/json", "user-agent": "Gumstack" },
        // TLS checks the certificate against the URL's host, not the address dialled.
        ...(https && isIP(host) === 0 ? { servername: host } : {}),
        agent: false,
        signal,
      },
      (response) => read(response, maxBytes, resolve, fail),
    );
    request.on("error", (error) =>
      fail(new DocumentUnavailableError("could not be fetched", { cause: error })),
    );
    request.end();
  });
}

function read(
  response: IncomingMessage,
  maxBytes: number,
  resolve: (document: FetchedDocument) => void,
  fail: (error: unknown) => void,
): void {
  const status = response.statusCode ?? 0;
  const refuse = (error: DocumentFetchError) => {
    response.destroy();
    fail(error);
  };
  const tooLarge = () => new DocumentTooLargeError(`is larger than ${maxBytes} bytes`);
  const refusal =
    status >= 300 && status < 400
      ? new RedirectRefusedError(`answered a redirect (${status}), which is not followed`)
      : status !== 200
        ? new DocumentUnavailableError(`answered ${status}, not 200`)
        : Number(response.headers["content-length"]) > maxBytes
          ? tooLarge()
          : undefined;
  if (refusal) {
    refuse(refusal);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  response.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) refuse(tooLarge());
    else chunks.push(chunk);
  });
  response.on("end", () =>
    resolve({
      body: Buffer.concat(chunks).toString("utf8"),
      maxAgeSeconds: maxAgeOf(response.headers["cache-control"]),
    }),
  );
  response.on("error", (error) =>
    fail(new DocumentUnavailableError("failed while sending the document", { cause: error })),
  );
  response.on("close", () => {
    if (!response.complete)
      fail(new DocumentUnavailableError("closed the connection before the whole document"));
  });
}

function maxAgeOf(cacheControl: string | undefined): number | undefined {
  if (cacheControl === undefined) return undefined;
  if (/(^|,)\s*no-(store|cache)\s*(,|$)/i.test(cacheControl)) return 0;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)/i.exec(cacheControl)?.[1];
  return maxAge === undefined ? undefined : Number(maxAge);
}

/** `promise`, or the signal's reason once it aborts (a DNS lookup cannot itself be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
