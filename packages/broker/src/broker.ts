import { connections, type Id } from "@gumstack/db";
import { and, desc, eq } from "drizzle-orm";
import {
  Authorizations,
  type BeginInput,
  type Begun,
  type CallbackInput,
  type Completed,
} from "./authorize.js";
import { type AccessGrant, grantOf } from "./connection-store.js";
import { ConnectionRequiredError } from "./errors.js";
import { type BrokerOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { Refresher } from "./refresh.js";

export interface AccessRequest {
  userId: Id<"user">;
  serverId: Id<"server">;
  provider: string;
  /** A particular account; otherwise the user's most recently connected active one. */
  connectionId?: Id<"connection">;
}

/** The OAuth broker: authorizations in, fresh access tokens out. */
export class Broker {
  readonly options: ResolvedOptions;
  private readonly authorizations: Authorizations;
  private readonly refresher: Refresher;

  constructor(options: BrokerOptions) {
    this.options = resolveOptions(options);
    const { db, vault, log } = this.options;
    this.authorizations = new Authorizations(db, vault, log, this.options);
    this.refresher = new Refresher(db, vault, log, this.options);
  }

  begin(input: BeginInput): Promise<Begun> {
    return this.authorizations.begin(input);
  }

  complete(input: CallbackInput): Promise<Completed> {
    return this.authorizations.complete(input);
  }

  /**
   * A usable access token for the request's user, refreshed first when it is within the margin
   * of its expiry. @throws ConnectionRequiredError when the user must connect or reconnect.
   */
  async accessToken(request: AccessRequest): Promise<AccessGrant> {
    const { db, vault } = this.options;
    const [row] = await db
      .select()
      .from(connections)
      .where(
        and(
          eq(connections.userId, request.userId),
          eq(connections.serverId, request.serverId),
          eq(connections.provider, request.provider),
          ...(request.connectionId ? [eq(connections.id, request.connectionId)] : []),
        ),
      )
      // An active connection before any other; the newest first among equals.
      .orderBy(desc(eq(connections.status, "active")), desc(connections.connectedAt))
      .limit(1);
    if (!row) throw new ConnectionRequiredError(request.provider, "not_connected");
    if (row.status !== "active") throw new ConnectionRequiredError(row.provider, "needs_reauth");
    if (this.refresher.isFresh(row)) return grantOf(vault, row);
    return this.refresher.refresh(row);
  }
}
