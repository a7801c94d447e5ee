import { index, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { serverReference, userReference } from "./references.js";

/**
 * One authorization in flight: single use, short-lived, bound to the browser that began it. The
 * state and the browser cookie are kept as SHA-256 only; the PKCE verifier is a vault envelope.
 */
export const oauthStates = pgTable(
  "oauth_states",
  {
    id: text("id").$type<Id<"oauthState">>().primaryKey(),
    stateHash: text("state_hash").notNull().unique(),
    browserHash: text("browser_hash").notNull(),
    userId: userReference(),
    serverId: serverReference(),
    provider: text("provider").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    returnTo: text("return_to"),
    scopes: text("scopes").array().notNull(),
    codeVerifier: text("code_verifier"),
    expiresAt: moment("expires_at").notNull(),
    usedAt: moment("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("oauth_states_expires_at_idx").on(t.expiresAt)],
);
