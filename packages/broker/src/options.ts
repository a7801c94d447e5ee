import type { Database, Id } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import type { AuthProvider } from "@gumstack/oauth";
import { type Clock, clockOf } from "@gumstack/runtime";
import type { Vault } from "@gumstack/vault";

/** What the broker tells a provider lookup about the call it is for. */
export interface ProviderCallOptions {
  /** When the call must be answered by (ms since the epoch), for a provider in another process. */
  deadline?: number;
}

export interface BrokerOptions {
  db: Database;
  vault: Vault;
  log: Logger;
  /**
   * Finds the provider a state or connection names, for that server (two servers may each have
   * their own "github" app). It may look the provider up asynchronously (the platform asks the
   * server's process); a lookup that throws is treated as the provider being unavailable.
   * A refresh says when its calls must be answered by.
   */
  provider: (
    name: string,
    serverId: Id<"server">,
    call?: ProviderCallOptions,
  ) => AuthProvider | undefined | Promise<AuthProvider | undefined>;
  /** The absolute `/auth/callback` URL registered with every provider. */
  callbackUrl: string;
  /** Where `returnTo` may point besides this origin's own paths: origins or URL prefixes. */
  allowedReturnUrls?: readonly string[];
  /** How long a started authorization may take. At most 10 minutes. */
  stateTtlMs?: number;
  /** Refresh this long before a token expires. */
  refreshMarginMs?: number;
  /** How long one process may hold a connection's refresh lease. */
  leaseTtlMs?: number;
  /**
   * The whole provider refresh call, retries included; shorter than the lease. A request's own
   * deadline (AccessRequest.deadline) can only make it shorter.
   */
  refreshTimeoutMs?: number;
  /**
   * How long a fresh token is served from memory before the database is read again (default
   * 2 s; 0 turns it off). A disconnect in another process is seen within this time.
   */
  grantCacheTtlMs?: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** The clock of `now` and of the refresh's timers; given, it wins over `now`. */
  clock?: Clock;
}

export type ResolvedOptions = Required<Omit<BrokerOptions, "allowedReturnUrls" | "clock">> & {
  allowedReturnUrls: readonly string[];
  clock: Clock;
};

const TEN_MINUTES = 10 * 60_000;

export function resolveOptions(options: BrokerOptions): ResolvedOptions {
  const clock = options.clock ?? clockOf(options.now);
  const resolved: ResolvedOptions = {
    stateTtlMs: TEN_MINUTES,
    refreshMarginMs: 60_000,
    leaseTtlMs: 30_000,
    refreshTimeoutMs: 20_000,
    grantCacheTtlMs: 2_000,
    ...options,
    now: () => clock.now(),
    clock,
    allowedReturnUrls: options.allowedReturnUrls ?? [],
  };
  if (resolved.stateTtlMs > TEN_MINUTES)
    throw new RangeError("stateTtlMs must be at most 10 minutes");
  // A refresh that outlives its lease could race the next holder; the write would then be
  // refused, but the provider may already have rotated the refresh token.
  if (resolved.refreshTimeoutMs >= resolved.leaseTtlMs) {
    throw new RangeError("refreshTimeoutMs must be shorter than leaseTtlMs");
  }
  return resolved;
}
