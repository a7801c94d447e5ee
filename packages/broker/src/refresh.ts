import { randomUUID } from "node:crypto";
import { connections, type Database } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { type AuthProvider, OAuthError, ProviderUnavailableError } from "@gumstack/oauth";
import { DeadlineExceededError, HOP_MARGIN_MS, withDeadline } from "@gumstack/runtime";
import { type Vault, VaultDecryptError } from "@gumstack/vault";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import {
  type AccessGrant,
  type ConnectionRow,
  grantOf,
  tokenColumns,
  tokenLocation,
} from "./connection-store.js";
import { ConnectionRequiredError, RefreshUnavailableError } from "./errors.js";
import { expiryOf } from "./expiry.js";
import type { ResolvedOptions } from "./options.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Refreshes a connection's token so that, across every process on the database, one refresh
 * request reaches the provider per expiry. Postgres coordinates: a process takes the connection's
 * lease (an UPDATE that succeeds for one of them), re-reads, and calls the provider only if the
 * token is still stale; the others wait for the new token to appear. Within a process, callers
 * for one connection share one attempt, which spares the database their polling (and the first
 * caller's deadline).
 *
 * Every wait ends by the caller's deadline, if it is sooner than the broker's own limits: the
 * provider call within `refreshTimeoutMs` (and so within the lease), the wait for another
 * process's refresh within two leases. Past it, DeadlineExceededError names the refresh.
 */
export class Refresher {
  private readonly inFlight = new Map<string, Promise<AccessGrant>>();
  private readonly owner = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    private readonly log: Logger,
    private readonly options: ResolvedOptions,
  ) {}

  isFresh(row: ConnectionRow): boolean {
    return (
      row.expiresAt === null ||
      row.expiresAt.getTime() - this.options.now() > this.options.refreshMarginMs
    );
  }

  refresh(row: ConnectionRow, deadline = Infinity): Promise<AccessGrant> {
    const running = this.inFlight.get(row.id);
    if (running) return running;
    const attempt = this.refreshAcrossProcesses(row, deadline).finally(() =>
      this.inFlight.delete(row.id),
    );
    this.inFlight.set(row.id, attempt);
    return attempt;
  }

  private async refreshAcrossProcesses(
    initial: ConnectionRow,
    deadline: number,
  ): Promise<AccessGrant> {
    const { leaseTtlMs, now } = this.options;
    // Long enough for a holder to finish its whole refresh, or for its lease to lapse.
    const giveUpAt = Math.min(now() + 2 * leaseTtlMs, deadline);
    for (let round = 0; ; round++) {
      const leased = await this.takeLease(initial.id);
      if (leased) return this.refreshHolding(leased, deadline);
      await sleep(Math.min(25 * 2 ** round, 400));
      const [row] = await this.db.select().from(connections).where(eq(connections.id, initial.id));
      if (!row) throw new ConnectionRequiredError(initial.provider, "not_connected");
      if (row.status !== "active") throw new ConnectionRequiredError(row.provider, "needs_reauth");
      if (this.isFresh(row)) return grantOf(this.vault, row);
      if (now() > giveUpAt) {
        if (giveUpAt === deadline) throw new DeadlineExceededError("refresh");
        throw new RefreshUnavailableError(
          `another process has been refreshing the ${row.provider} token for too long; try again`,
        );
      }
    }
  }

  private async takeLease(id: ConnectionRow["id"]): Promise<ConnectionRow | undefined> {
    const at = this.options.now();
    const [row] = await this.db
      .update(connections)
      .set({ leaseOwner: this.owner, leaseExpiresAt: new Date(at + this.options.leaseTtlMs) })
      .where(
        and(
          eq(connections.id, id),
          or(isNull(connections.leaseOwner), lt(connections.leaseExpiresAt, new Date(at))),
        ),
      )
      .returning();
    return row;
  }

  private async release(id: ConnectionRow["id"], changes: Partial<ConnectionRow> = {}) {
    await this.db
      .update(connections)
      .set({ ...changes, leaseOwner: null, leaseExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(connections.id, id), eq(connections.leaseOwner, this.owner)));
  }

  private async refreshHolding(row: ConnectionRow, deadline: number): Promise<AccessGrant> {
    // Re-read under the lease: another process may have refreshed while we waited for it.
    if (row.status !== "active") {
      await this.release(row.id);
      throw new ConnectionRequiredError(row.provider, "needs_reauth");
    }
    if (this.isFresh(row)) {
      await this.release(row.id);
      return grantOf(this.vault, row);
    }
    const { clock, refreshTimeoutMs } = this.options;
    const giveUpAt = Math.min(clock.now() + refreshTimeoutMs, deadline);
    let provider: AuthProvider | undefined;
    try {
      // A provider in another process must answer a margin before we give up ourselves.
      provider = await this.options.provider(row.provider, row.serverId, {
        deadline: giveUpAt - HOP_MARGIN_MS,
      });
    } catch (error) {
      return this.handleFailure(row, error);
    }
    if (!provider || row.refreshToken === null) {
      await this.release(row.id, {
        status: "needs_reauth",
        lastError: "the token expired and cannot be refreshed",
      });
      throw new ConnectionRequiredError(row.provider, "needs_reauth");
    }
    const { refreshToken } = row;
    try {
      const sent = this.vault.decrypt(refreshToken, tokenLocation(row.id, "refresh_token"));
      const found = provider;
      const tokens = await withDeadline(clock, giveUpAt, "refresh", () => found.refresh(sent));
      // Written only by the lease holder, and only over the tokens it read.
      const [updated] = await this.db
        .update(connections)
        .set({
          ...tokenColumns(
            this.vault,
            row.id,
            tokens,
            expiryOf(tokens, provider, this.options.now()),
          ),
          tokenVersion: row.tokenVersion + 1,
          refreshedAt: new Date(this.options.now()),
          lastError: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          updatedAt: new Date(),
        })
        .where(
          and(
            eq(connections.id, row.id),
            eq(connections.tokenVersion, row.tokenVersion),
            eq(connections.leaseOwner, this.owner),
          ),
        )
        .returning();
      if (!updated) {
        this.log.warn("refreshed token not stored: the connection changed meanwhile", {
          connectionId: row.id,
        });
        throw new RefreshUnavailableError(
          `the ${row.provider} connection changed while refreshing; try again`,
        );
      }
      this.log.info("token refreshed", { connectionId: row.id, provider: row.provider });
      return grantOf(this.vault, updated);
    } catch (error) {
      return this.handleFailure(row, error);
    }
  }

  private async handleFailure(row: ConnectionRow, error: unknown): Promise<AccessGrant> {
    if (error instanceof RefreshUnavailableError) throw error;
    if (error instanceof VaultDecryptError) {
      // The row stays as it is: reconnecting the account replaces its tokens.
      await this.release(row.id, { lastError: "no key opens the stored refresh token" });
      throw error;
    }
    if (error instanceof OAuthError && error.code === "invalid_grant") {
      await this.release(row.id, {
        status: "needs_reauth",
        lastError: "the provider refused the refresh token (invalid_grant)",
      });
      this.log.warn("connection needs to be authorized again", {
        connectionId: row.id,
        provider: row.provider,
      });
      throw new ConnectionRequiredError(row.provider, "needs_reauth", { cause: error });
    }
    const timedOut = error instanceof DeadlineExceededError;
    const unavailable = timedOut || error instanceof ProviderUnavailableError;
    const reason =
      error instanceof Error
        ? `${error.name}: ${error instanceof OAuthError ? error.code : "see logs"}`
        : "unknown";
    await this.release(row.id, { lastError: `refresh failed (${reason})` });
    this.log.warn("token refresh failed", { connectionId: row.id, provider: row.provider, reason });
    // Still inside its margin, the old token works: better served late than not at all.
    if (unavailable && row.expiresAt !== null && row.expiresAt.getTime() > this.options.now()) {
      return grantOf(this.vault, row);
    }
    if (timedOut) throw error;
    throw new RefreshUnavailableError(
      `could not refresh the ${row.provider} token (${unavailable ? "the provider is unavailable" : reason}); try again`,
      { cause: error },
    );
  }
}
