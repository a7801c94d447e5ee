import { type LookupAddress, lookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { addressProblem } from "@gumstack/runtime/core";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { Agent, fetch as undiciFetch } from "undici";
import {
  AddressRefusedError,
  RedirectRefusedError,
  RemoteConnectError,
  RemoteOAuthError,
  RemoteStatusError,
} from "./errors.js";

export interface RemoteFetchOptions {
  allowPrivate: boolean;
  /** How long a response's headers may take (the relay's deadline bounds each request too). */
  headersTimeoutMs: number;
}

export interface RemoteFetch {
  fetch: FetchLike;
  /** Ends the connections. */
  close(): Promise<void>;
}

/**
 * A fetch that connects only to public addresses (unless `allowPrivate`) and never follows a
 * redirect (a 3xx is answered as it is). DNS is answered inside the connection (undici's
 * `connect.lookup`), so the address checked is the address dialled: a name that answers
 * differently a moment later (DNS rebinding) cannot slip a private address in. An IP in the URL
 * is checked before the connection, as the socket never looks it up. A refused address or a
 * failed connection is thrown as AddressRefusedError or RemoteConnectError. What else calls a
 * URL a remote server chose (its authorization server's metadata, registration, tokens) uses it.
 */
export function addressCheckedFetch(o: RemoteFetchOptions): RemoteFetch {
  const agent = new Agent({
    connect: o.allowPrivate ? {} : { lookup: checkedLookup },
    headersTimeout: o.headersTimeoutMs,
    // An event stream may be quiet for as long as nothing happens.
    bodyTimeout: 0,
  });
  const checked: FetchLike = async (input, init) => {
    const url = new URL(input instanceof URL ? input.href : String(input));
    if (!o.allowPrivate) checkLiteral(url);
    try {
      const response = await undiciFetch(url, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        redirect: "manual",
        dispatcher: agent,
      });
      return response as unknown as Response;
    } catch (error) {
      throw connectFailure(error);
    }
  };
  return { fetch: checked, close: () => agent.close() };
}

/**
 * The fetch the SDK's client transports get for a remote server: addressCheckedFetch, with any
 * status that is not a success thrown as a RemoteStatusError before its body is read, so no
 * error message ever holds what the server answered.
 */
export function remoteFetch(o: RemoteFetchOptions): RemoteFetch {
  const checked = addressCheckedFetch(o);
  const guarded: FetchLike = async (input, init) => {
    const response = await checked.fetch(input, init);
    const failure = statusFailure(response.status, init?.method ?? "GET", response.headers);
    if (failure) {
      await response.body?.cancel().catch(() => undefined);
      throw failure;
    }
    return response;
  };
  return { fetch: guarded, close: checked.close };
}

/** Every answer checked, not only the first: which one the socket would pick is not ours. */
const checkedLookup = ((hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    for (const { address } of addresses) {
      const problem = addressProblem(address);
      if (problem) return callback(new AddressRefusedError(hostname, address, problem), "", 0);
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    if (!first) return callback(new RemoteConnectError(`${hostname} has no address`), "", 0);
    callback(null, first.address, first.family);
  });
}) as LookupFunction;

function checkLiteral(url: URL): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) === 0) return;
  const problem = addressProblem(host);
  if (problem) throw new AddressRefusedError(host, host, problem);
}

function statusFailure(
  status: number,
  method: string,
  headers: Headers | { has(name: string): boolean },
) {
  if (status >= 300 && status < 400) return new RedirectRefusedError(status, method);
  if (status === 401 && headers.has("www-authenticate")) return new RemoteOAuthError(method);
  // A GET or DELETE answered 405 is the server saying it has no such stream: the SDK expects it.
  if (status === 405 && method !== "POST") return undefined;
  if (status < 200 || status >= 300) return new RemoteStatusError(status, method);
  return undefined;
}

/** undici's "fetch failed" with the socket's error as its cause: named by code, ours as is. */
function connectFailure(error: unknown): unknown {
  if (error instanceof Error && error.name === "AbortError") return error;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof AddressRefusedError) return cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const what =
    typeof code === "string" ? code : cause instanceof Error ? cause.name : "the request failed";
  return new RemoteConnectError(what, { cause: error });
}
