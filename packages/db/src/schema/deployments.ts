import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt } from "./columns.js";
import { serverReference } from "./references.js";

/**
 * A deploy of a hosted server, and the environment version it ran with: a server whose
 * `env_version` is newer than its latest deployment's has a redeploy pending. Process state
 * (running, crashed…) is the runner's, reported live.
 */
export const deployments = pgTable(
  "deployments",
  {
    id: text("id").$type<Id<"deployment">>().primaryKey(),
    serverId: serverReference(),
    envVersion: integer("env_version").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("deployments_server_id_idx").on(t.serverId)],
);
