import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt } from "./columns.js";
import { serverReference } from "./references.js";

/**
 * A successful deploy of a hosted server: the environment version it ran with (a server whose
 * `env_version` is newer than its latest deployment's has a redeploy pending), and what it was
 * made from, so that serving never reads the server's folder. Process state (running,
 * crashed…) is the runner's, reported live.
 */
export const deployments = pgTable(
  "deployments",
  {
    id: text("id").$type<Id<"deployment">>().primaryKey(),
    serverId: serverReference(),
    envVersion: integer("env_version").notNull(),
    /**
     * The server's gumstack.yaml as this deployment parsed it (name, description, entry, auth
     * details; not the auth type, which is the server's). Read through the platform's schema;
     * null for deployments made before it was kept.
     */
    config: jsonb("config").$type<unknown>(),
    /** What an oauth server's process said of its AuthProvider once healthy (its name...). */
    provider: jsonb("provider").$type<unknown>(),
    createdAt: createdAt(),
  },
  (t) => [index("deployments_server_id_idx").on(t.serverId)],
);
