import type { Logger } from "@gumstack/log";
import type { InitializeResult } from "@modelcontextprotocol/sdk/types.js";
import type { Router } from "../host/streamable/router.js";
import type { Relay } from "./relay.js";
import type { BridgeSettings } from "./settings.js";

/** What run.ts hands either kind of upstream. */
export interface UpstreamContext {
  settings: BridgeSettings;
  router: Router;
  log: Logger;
  /** The upstream is gone for good (a child exited): the bridge exits 1, the runner restarts it. */
  failed(reason: string): void;
  /**
   * A per-user bridge's remote server refused the caller's credentials once serving: the bridge
   * exits CREDENTIALS_REFUSED_EXIT, after the replies in flight.
   */
  credentialsRefused(): void;
}

/** A proxied server behind the bridge's relay: a stdio child, or a remote server. */
export interface Upstream {
  relay: Relay;
  /** For the "listening" line: what is started (the child's pid, the remote's origin). */
  fields: Record<string, unknown>;
  /** Resolves once the first handshake is done; rejects when the bridge should give up. */
  start(): Promise<InitializeResult>;
  /** At a stop, once the sessions ended: nothing of the upstream's is left running. */
  stop(): Promise<void>;
}
