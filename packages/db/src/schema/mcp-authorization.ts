import { sql } from "drizzle-orm";
import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { serverReference, userReference } from "./references.js";

/*
 * Gumstack as the OAuth authorization server of its own `/mcp/<server>` endpoints (MCP
 * authorization): the MCP clients it knows, what each user allowed each of them, and the codes and
 * tokens it issued. Every secret is kept as its SHA-256 only: a leak of these tables opens nothing.
 */

export type McpClientKind = "registered" | "preregistered";
export type McpTokenAuthMethod = "none" | "client_secret_basic" | "client_secret_post";

/**
 * Clients that registered (RFC 7591) or an operator registered for them. A client whose id is
 * the URL of its metadata document has no row: its document is fetched and cached instead.
 */
export const mcpClients = pgTable("mcp_clients", {
  id: text("id").$type<Id<"mcpClient">>().primaryKey(),
  /** What the client sends as client_id: `mcl_…` for registered clients, the operator's choice else. */
  clientId: text("client_id").notNull().unique(),
  kind: text("kind").$type<McpClientKind>().notNull(),
  name: text("name").notNull(),
  redirectUris: text("redirect_uris").array().notNull(),
  tokenEndpointAuthMethod: text("token_endpoint_auth_method").$type<McpTokenAuthMethod>().notNull(),
  /** Only for confidential clients. */
  secretHash: text("secret_hash"),
  clientUri: text("client_uri"),
  logoUri: text("logo_uri"),
  /** The registration as the client sent it, returned again as RFC 7591 says. */
  metadata: text("metadata").notNull(),
  createdAt: createdAt(),
  lastUsedAt: moment("last_used_at"),
});

/**
 * A user's consent: this client may use this server on their behalf. Remembered, so a second flow
 * does not ask again; deleting it revokes every token issued under it (they cascade).
 */
export const mcpGrants = pgTable(
  "mcp_grants",
  {
    id: text("id").$type<Id<"mcpGrant">>().primaryKey(),
    userId: userReference(),
    serverId: serverReference(),
    /** The client's id as sent: a registered client's, or its metadata document's URL. */
    clientId: text("client_id").notNull(),
    /** As shown on the consent page, for the user's list of connected apps. */
    clientName: text("client_name").notNull(),
    scopes: text("scopes").array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: moment("last_used_at"),
  },
  (t) => [
    uniqueIndex("mcp_grants_user_client_server_idx").on(t.userId, t.clientId, t.serverId),
    index("mcp_grants_server_id_idx").on(t.serverId),
  ],
);

/** An authorization code: single use, a minute or so, bound to its redirect URI and PKCE challenge. */
export const mcpCodes = pgTable(
  "mcp_codes",
  {
    id: text("id").$type<Id<"mcpCode">>().primaryKey(),
    codeHash: text("code_hash").notNull().unique(),
    grantId: text("grant_id")
      .$type<Id<"mcpGrant">>()
      .notNull()
      .references(() => mcpGrants.id, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    /** The server's MCP URL the tokens will be for (RFC 8707). */
    resource: text("resource").notNull(),
    scopes: text("scopes").array().notNull(),
    expiresAt: moment("expires_at").notNull(),
    usedAt: moment("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("mcp_codes_expires_at_idx").on(t.expiresAt)],
);

export type McpTokenKind = "access" | "refresh";

/**
 * Access and refresh tokens. A family is everything issued from one code: a replayed code, or a
 * rotated refresh token used again, revokes the whole family.
 */
export const mcpTokens = pgTable(
  "mcp_tokens",
  {
    id: text("id").$type<Id<"mcpToken">>().primaryKey(),
    hash: text("hash").notNull().unique(),
    kind: text("kind").$type<McpTokenKind>().notNull(),
    grantId: text("grant_id")
      .$type<Id<"mcpGrant">>()
      .notNull()
      .references(() => mcpGrants.id, { onDelete: "cascade" }),
    /** The code it descends from. */
    familyId: text("family_id").$type<Id<"mcpCode">>().notNull(),
    resource: text("resource").notNull(),
    scopes: text("scopes").array().notNull(),
    expiresAt: moment("expires_at").notNull(),
    /** A refresh token: when it was exchanged for a new pair. */
    rotatedAt: moment("rotated_at"),
    /**
     * A refresh token just rotated: the pair it was exchanged for, as a vault envelope, so the same
     * refresh repeated within a few seconds (a client refreshing from two places) gets that same
     * pair instead of revoking the family. Cleared once that window has passed.
     */
    successor: text("successor"),
    revokedAt: moment("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("mcp_tokens_family_id_idx").on(t.familyId),
    index("mcp_tokens_grant_id_idx").on(t.grantId),
    index("mcp_tokens_expires_at_idx").on(t.expiresAt).where(sql`${t.revokedAt} is null`),
  ],
);
