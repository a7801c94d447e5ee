import type { InitializeResult } from "@modelcontextprotocol/sdk/types.js";
import { Relay } from "../relay.js";
import type { RemoteProxySpec } from "../spec.js";
import { ToolNames } from "../tool-names.js";
import { toolPolicy } from "../tool-policy.js";
import type { Upstream, UpstreamContext } from "../upstream.js";
import { CredentialsRefusedError } from "./errors.js";
import { RemoteLink } from "./link.js";

/**
 * The first handshake's retries: the first after RETRY_FIRST_MS, each wait twice the last, at most
 * RETRY_MAX_MS, MAX_ATTEMPTS in all (past 10 minutes: the runner gave up long before).
 */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 15_000;
const MAX_ATTEMPTS = 45;

/**
 * A remote MCP server behind the bridge. Until its first handshake succeeds, /healthz stays 503
 * and each failure is logged (a status, a host, never a header's value), then tried again.
 */
export function remoteUpstream(spec: RemoteProxySpec, o: UpstreamContext): Upstream {
  let relay: Relay | undefined;
  const link = new RemoteLink({
    spec,
    log: o.log,
    message: (message) => relay?.fromUpstream(message),
    undelivered: (message, why) => relay?.undelivered(message, why),
    lost: (reason) => relay?.upstreamLost(reason),
    // Once serving, a per-user bridge whose caller's credentials stopped working (revoked, cut
    // short) ends: the platform refreshes them, or asks the user, before the next process.
    refused: () => {
      if (spec.user !== undefined && relay?.ready === true) o.credentialsRefused();
    },
  });
  relay = new Relay({
    router: o.router,
    upstream: link,
    tools: new ToolNames(toolPolicy(spec.tools, spec.name)),
    perUser: spec.user !== undefined,
    log: o.log,
    timeoutSeconds: spec.timeoutSeconds,
  });
  const started = relay;
  return {
    relay: started,
    // The origin only: a URL's path or query may hold a key of its own.
    fields: { remote: new URL(spec.url).origin, transport: spec.transport },
    start: () =>
      firstHandshake(started, o, () => spec.user !== undefined && link.credentialsRefused),
    stop: () => link.close(),
  };
}

/**
 * Retried, but not where `refused()` says the credentials were (a per-user bridge's): those are
 * the caller's, and the same ones are refused again.
 */
async function firstHandshake(
  relay: Relay,
  o: UpstreamContext,
  refused: () => boolean,
): Promise<InitializeResult> {
  let waitMs = RETRY_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await relay.initialize();
    } catch (error) {
      if (refused()) throw new CredentialsRefusedError({ cause: error });
      if (attempt >= MAX_ATTEMPTS) throw error;
      o.log.error(
        `the remote server did not initialize (attempt ${attempt}): trying again in ${waitMs} ms`,
        // The relay's and the link's own errors: what they say was written to be logged.
        { reason: error instanceof Error ? error.message : String(error) },
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, RETRY_MAX_MS);
    }
  }
}
