import { Agent, type ClientRequest, type IncomingMessage, request } from "node:http";

// Kept-alive connections to the hosted processes: a new TCP connection per call would be most
// of the gateway's cost on loopback. node:http rather than fetch: it costs a third as much CPU.
// No Nagle: an SSE event must leave when written, not wait for the next one.
const agent = new Agent({
  keepAlive: true,
  maxSockets: 256,
  keepAliveMsecs: 10_000,
  noDelay: true,
});

// A lease's origin, parsed once: a URL parsed per call showed in the profile.
const addresses = new Map<string, { host: string; port: number }>();
function addressOf(origin: string): { host: string; port: number } {
  let address = addresses.get(origin);
  if (address === undefined) {
    const url = new URL(origin);
    address = { host: url.hostname, port: Number(url.port) };
    // Bounded: one entry per deployment's port seen by this process, pruned when large.
    if (addresses.size >= 1_000) addresses.clear();
    addresses.set(origin, address);
  }
  return address;
}

export interface Forwarded {
  /** Destroy it to give up (the client left, the drain's deadline): the server sees it go. */
  request: ClientRequest;
  /** The response head, its body still to read. */
  response: Promise<IncomingMessage>;
}

/**
 * Sends one request to a hosted process. No AbortSignal: destroying the request does the same
 * for a fraction of the CPU, on a path taken by every call.
 */
export function forward(
  origin: string,
  path: string,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
): Forwarded {
  let outgoing: ClientRequest | undefined;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    outgoing = request(
      {
        ...addressOf(origin),
        path,
        method,
        agent,
        headers:
          body === undefined ? headers : { ...headers, "content-length": String(body.length) },
      },
      resolve,
    );
    outgoing.once("error", reject);
    outgoing.end(body);
  });
  return { request: outgoing as unknown as ClientRequest, response };
}
