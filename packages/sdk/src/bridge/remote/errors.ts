import { SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/*
 * Why a remote server could not be reached, one class per failure mode. Messages name a status,
 * a method, a host or an address, never a header's value (they are this user's secrets) nor the
 * body the server answered with (which could echo them).
 */

/** The URL's host is (or resolves to) an address the bridge may not connect to. */
export class AddressRefusedError extends Error {
  override readonly name = "AddressRefusedError";
  constructor(host: string, address: string, problem: string) {
    super(
      `the remote server's host ${host} is at ${address}, a ${problem} address, which is refused (allowPrivate is off)`,
    );
  }
}

/** No connection, or it broke: DNS, refused, reset, TLS. */
export class RemoteConnectError extends Error {
  override readonly name = "RemoteConnectError";
  constructor(what: string, options?: ErrorOptions) {
    super(`could not connect to the remote server: ${what}`, options);
  }
}

/** An HTTP status that is not a success. */
export class RemoteStatusError extends Error {
  override readonly name: string = "RemoteStatusError";
  constructor(
    readonly status: number,
    method: string,
    message = `the remote server answered ${method} with HTTP ${status}`,
  ) {
    super(message);
  }
}

/** A 3xx: the bridge goes only where it was configured (and checked) to go. */
export class RedirectRefusedError extends RemoteStatusError {
  override readonly name = "RedirectRefusedError";
  constructor(status: number, method: string) {
    super(
      status,
      method,
      `the remote server answered ${method} with a redirect (HTTP ${status}), which is not followed`,
    );
  }
}

/**
 * A 401 with WWW-Authenticate: the server runs MCP authorization and refused what it was sent
 * (no token, or one it no longer takes). The platform connects each user through the server's
 * own authorization (`auth.provider: mcp`).
 */
export class RemoteOAuthError extends RemoteStatusError {
  override readonly name = "RemoteOAuthError";
  constructor(method: string) {
    super(
      401,
      method,
      "the remote server refused the credentials it was sent: HTTP 401 with WWW-Authenticate (MCP authorization)",
    );
  }
}

/**
 * What a failure of the upstream says in a log line and a client's JSON-RPC error. The SDK's
 * transport errors carry no body here (the bridge's fetch throws before any is read); anything
 * else is named by its class only, since its message is not ours to vouch for.
 */
export function describeFailure(error: unknown): string {
  if (
    error instanceof AddressRefusedError ||
    error instanceof RemoteConnectError ||
    error instanceof RemoteStatusError
  )
    return error.message;
  if (error instanceof SseError || error instanceof StreamableHTTPError) return error.message;
  if (error instanceof Error) return `the remote server's transport failed (${error.name})`;
  return "the remote server's transport failed";
}

/**
 * A per-user bridge's remote server refused the caller's credentials (401 or 403) in the first
 * handshake: trying again with the same ones is pointless, so the bridge exits at once with
 * CREDENTIALS_REFUSED_EXIT, and the platform refreshes the caller's token or asks them again.
 */
export class CredentialsRefusedError extends Error {
  override readonly name = "CredentialsRefusedError";
  constructor(options?: ErrorOptions) {
    super("the remote server refused this user's credentials (HTTP 401 or 403)", options);
  }
}
