import type { Logger } from "@gumstack/log";
import { CONTEXT_HEADER, readContext } from "@gumstack/runtime/core";
import type { Authenticated } from "./streamable/endpoint.js";
import type { McpRequest } from "./streamable/request.js";

export interface ContextAuthOptions {
  serverId: string;
  runtimeSecret: string;
  log: Logger;
  now: () => number;
}

/** What a 401 of a server run by the platform says: only the gateway's signed context will do. */
export const contextChallenge = (serverName: string) => `Gumstack-Context realm="${serverName}"`;

/**
 * Who a request relayed by the platform's gateway is for: the user its signed context names, if
 * the context is this server's and still valid; else null (a 401). Hosted servers and the stdio
 * bridge both take requests this way, from the gateway only.
 */
export function contextAuthenticator(
  o: ContextAuthOptions,
): (request: McpRequest) => Promise<Authenticated> {
  return async function authenticateContext(request) {
    const context = request.header(CONTEXT_HEADER);
    const read = readContext(o.runtimeSecret, context, o.serverId, o.now());
    if ("problem" in read) {
      o.log.warn("refused a request without a valid platform context", { problem: read.problem });
      return null;
    }
    return {
      userId: read.userId,
      deadline: read.expiresAt,
      ...(context === undefined ? {} : { context }),
    };
  };
}
