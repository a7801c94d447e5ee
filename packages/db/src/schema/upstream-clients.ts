import { pgTable, text, unique } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { serverReference } from "./references.js";

/**
 * The OAuth client Gumstack registered (RFC 7591) at a proxied remote server's own authorization
 * server, to connect that server's users through it: one per server and issuer. The secret, if
 * the authorization server issued one, is a vault envelope.
 */
export const upstreamClients = pgTable(
  "upstream_clients",
  {
    id: text("id").$type<Id<"upstreamClient">>().primaryKey(),
    serverId: serverReference(),
    issuer: text("issuer").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    clientId: text("client_id").notNull(),
    clientSecret: text("client_secret"),
    /** As the authorization server registered it: client_secret_basic, client_secret_post, none. */
    tokenEndpointAuthMethod: text("token_endpoint_auth_method").notNull(),
    /** When the secret stops working (client_secret_expires_at); null: never. */
    expiresAt: moment("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [unique("upstream_clients_server_issuer_key").on(t.serverId, t.issuer)],
);
