import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { moment } from "./columns.js";
import { serverReference, userReference } from "./references.js";

export type ConnectionStatus = "active" | "needs_reauth" | "revoked";

/**
 * A user's account at a provider, for one server. Tokens are vault envelopes. `tokenVersion`
 * grows with every token write: a refresh writes only if it is still the version it read, which
 * key rotation (same tokens, new ciphertext) leaves alone. The lease columns let one process at a
 * time refresh, across every process on the database.
 */
export const connections = pgTable(
  "connections",
  {
    id: text("id").$type<Id<"connection">>().primaryKey(),
    userId: userReference(),
    serverId: serverReference(),
    provider: text("provider").notNull(),
    nickname: text("nickname").notNull(),
    status: text("status").$type<ConnectionStatus>().notNull().default("active"),
    accessToken: text("access_token").notNull(),
    refreshToken: text("refresh_token"),
    tokenType: text("token_type").notNull(),
    scopes: text("scopes").array().notNull(),
    /** A provider's non-secret facts for tools (Atlassian's cloud id...): see TokenResponse.extras. */
    extras: jsonb("extras").$type<Record<string, string>>().notNull().default({}),
    expiresAt: moment("expires_at"),
    tokenVersion: integer("token_version").notNull().default(1),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: moment("lease_expires_at"),
    /** The last refresh failure, for people: never a token. */
    lastError: text("last_error"),
    connectedAt: moment("connected_at").notNull().defaultNow(),
    refreshedAt: moment("refreshed_at"),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (t) => [index("connections_user_server_idx").on(t.userId, t.serverId, t.provider)],
);
