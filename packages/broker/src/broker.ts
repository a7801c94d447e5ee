import { connections, type Id } from "@gumstack/db";
import { TtlCache } from "@gumstack/runtime";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import {
  Authorizations,
  type BeginInput,
  type Begun,
  type CallbackInput,
  type Completed,
} from "./authorize.js";
import { type AccessGrant, type ConnectionRow, grantOf } from "./connection-store.js";
import {
  type ConnectionSummary,
  type Disconnected,
  disconnect,
  listConnections,
} from "./disconnect.js";
import { ConnectionRequiredError } from "./errors.js";
import { type BrokerOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { Refresher } from "./refresh.js";
import { checkReturnUrl } from "./return-url.js";

export interface AccessRequest {
  userId: Id<"user">;
  serverId: Id<"server">;
  provider: string;
  /** A particular account; otherwise the user's most recently connected active one. */
  connectionId?: Id<"connection">;
  /**
   * Servers whose users' connections are to the same provider app as this server's (the same
   * client, so its tokens refresh there too): a user with no connection of this server's is
   * served their newest active one of these, and is not asked to connect again.
   */
  sharedWith?: readonly Id<"server">[];
  /**
   * When the caller stops waiting (ms since the epoch): a refresh gives up by then, with
   * DeadlineExceededError. A fresh token is served whatever the deadline.
   */
  deadline?: number;
}

/** The OAuth broker: authorizations in, fresh access tokens out. */
export class Broker {
  readonly options: ResolvedOptions;
  private readonly authorizations: Authorizations;
  private readonly refresher: Refresher;
  /** Fresh grants by user, server and provider: most tool calls skip the database read. */
  private readonly grants = new TtlCache<string, AccessGrant>();
  /** The newest usable connection of a user for a server and provider, prepared once. */
  private readonly newestConnection;

  constructor(options: BrokerOptions) {
    this.options = resolveOptions(options);
    const { db, vault, log } = this.options;
    this.authorizations = new Authorizations(db, vault, log, this.options);
    this.refresher = new Refresher(db, vault, log, this.options);
    this.newestConnection = db
      .select()
      .from(connections)
      .where(
        and(
          eq(connections.userId, sql.placeholder("userId")),
          eq(connections.serverId, sql.placeholder("serverId")),
          eq(connections.provider, sql.placeholder("provider")),
        ),
      )
      // An active connection before any other; the newest first among equals.
      .orderBy(desc(eq(connections.status, "active")), desc(connections.connectedAt))
      .limit(1)
      .prepare("gumstack_newest_connection");
  }

  /**
   * Where a finished authorization may send the browser, normalized (see checkReturnUrl).
   * @throws ReturnUrlError for anything else; begin() checks it again.
   */
  returnUrl(returnTo: string): string {
    const { callbackUrl, allowedReturnUrls } = this.options;
    return checkReturnUrl(returnTo, new URL(callbackUrl).origin, allowedReturnUrls);
  }

  begin(input: BeginInput): Promise<Begun> {
    return this.authorizations.begin(input);
  }

  async complete(input: CallbackInput): Promise<Completed> {
    const completed = await this.authorizations.complete(input);
    const { userId, serverId, provider } = completed.connection;
    this.grants.delete(grantKey({ userId, serverId, provider }));
    return completed;
  }

  /** The user's connections for the server, the newest first; never a token. */
  connections(userId: Id<"user">, serverId: Id<"server">): Promise<ConnectionSummary[]> {
    return listConnections(this.options.db, userId, serverId);
  }

  /**
   * Revokes the grant at the provider when it can, then deletes the connection; undefined when
   * the user has no such connection on the server. A revocation failure still deletes it here.
   */
  async disconnect(request: {
    userId: Id<"user">;
    serverId: Id<"server">;
    connectionId: Id<"connection">;
  }): Promise<Disconnected | undefined> {
    const done = await disconnect(this.options, request);
    if (done) this.grants.delete(grantKey({ ...request, provider: done.provider }));
    return done;
  }

  /**
   * A usable access token for the request's user, refreshed first when it is within the margin
   * of its expiry. @throws ConnectionRequiredError when the user must connect or reconnect,
   * RefreshUnavailableError or DeadlineExceededError when it cannot be refreshed now, and
   * VaultDecryptError when no key opens the stored token.
   */
  async accessToken(request: AccessRequest): Promise<AccessGrant> {
    const { now, refreshMarginMs, grantCacheTtlMs } = this.options;
    const key = request.connectionId === undefined ? grantKey(request) : undefined;
    const cached = key === undefined ? undefined : this.grants.get(key, now());
    if (cached) return cached;
    const grant = await this.readGrant(request);
    if (key !== undefined) {
      // Never past the point where the token needs refreshing.
      const untilStale =
        grant.expiresAt === null ? Infinity : grant.expiresAt.getTime() - refreshMarginMs - now();
      this.grants.set(key, grant, Math.min(grantCacheTtlMs, untilStale), now());
    }
    return grant;
  }

  /**
   * Where `grant`'s token was sent refused it (401 or 403) although it looked fresh: revoked at
   * the provider, or cut short. The first time (`retry`), it is marked expired, so the next
   * accessToken() refreshes it; when the token a refresh just gave is refused too, the
   * connection needs the user to authorize again. Only this token's row is touched: one that
   * another process refreshed meanwhile is left alone.
   */
  async tokenRefused(
    request: Pick<AccessRequest, "userId" | "serverId" | "provider">,
    grant: Pick<AccessGrant, "connectionId" | "accessToken">,
    retry: boolean,
  ): Promise<void> {
    const { db, vault, now, log } = this.options;
    this.grants.delete(grantKey(request));
    const [row] = await db.select().from(connections).where(eq(connections.id, grant.connectionId));
    if (!row || row.userId !== request.userId) return;
    if (grantOf(vault, row).accessToken !== grant.accessToken) return;
    const change = retry
      ? { expiresAt: new Date(now()) }
      : {
          status: "needs_reauth" as const,
          lastError: "the server refused a freshly refreshed token",
        };
    await db
      .update(connections)
      .set({ ...change, updatedAt: new Date(now()) })
      .where(and(eq(connections.id, row.id), eq(connections.tokenVersion, row.tokenVersion)));
    if (!retry)
      log.warn("connection needs to be authorized again", {
        connectionId: row.id,
        provider: row.provider,
        reason: "its token was refused where it was sent",
      });
  }

  private async readGrant(request: AccessRequest): Promise<AccessGrant> {
    const { db } = this.options;
    const [row] =
      request.connectionId === undefined
        ? await this.newestConnection.execute({
            userId: request.userId,
            serverId: request.serverId,
            provider: request.provider,
          })
        : await db
            .select()
            .from(connections)
            .where(
              and(
                eq(connections.id, request.connectionId),
                eq(connections.userId, request.userId),
                eq(connections.serverId, request.serverId),
              ),
            );
    // Its own connection first; one needing re-authorization gives way to a shared active one.
    const found = row?.status === "active" ? row : ((await this.sharedConnection(request)) ?? row);
    if (!found) throw new ConnectionRequiredError(request.provider, "not_connected");
    return this.usable(found, request.deadline);
  }

  /** The user's newest active connection of `sharedWith`'s servers, for the same provider. */
  private async sharedConnection(request: AccessRequest): Promise<ConnectionRow | undefined> {
    const others = request.sharedWith?.filter((id) => id !== request.serverId) ?? [];
    if (request.connectionId !== undefined || others.length === 0) return undefined;
    const [row] = await this.options.db
      .select()
      .from(connections)
      .where(
        and(
          eq(connections.userId, request.userId),
          inArray(connections.serverId, others),
          eq(connections.provider, request.provider),
          eq(connections.status, "active"),
        ),
      )
      .orderBy(desc(connections.connectedAt))
      .limit(1);
    return row;
  }

  private async usable(row: ConnectionRow, deadline: number | undefined): Promise<AccessGrant> {
    const { vault } = this.options;
    if (row.status !== "active") throw new ConnectionRequiredError(row.provider, "needs_reauth");
    if (this.refresher.isFresh(row)) return grantOf(vault, row);
    return this.refresher.refresh(row, deadline);
  }
}

const grantKey = (r: { userId: string; serverId: string; provider: string }) =>
  `${r.userId}\0${r.serverId}\0${r.provider}`;
