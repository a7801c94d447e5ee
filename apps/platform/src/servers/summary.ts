import { deployments } from "@gumstack/db";
import { desc, eq } from "drizzle-orm";
import type { Services } from "../env.js";
import type { ServerRow } from "./owned-server.js";

/** A server as the API shows it: its live status from the runner, and whether a redeploy is due. */
export async function serverSummary(services: Services, server: ServerRow) {
  const [latest] = await services.database.db
    .select()
    .from(deployments)
    .where(eq(deployments.serverId, server.id))
    .orderBy(desc(deployments.createdAt))
    .limit(1);
  const live = services.runner.status(server.id);
  return {
    id: server.id,
    name: server.name,
    authType: server.authType,
    status: live?.status ?? "not_deployed",
    redeployPending: latest !== undefined && server.envVersion > latest.envVersion,
    deployment: live
      ? {
          id: live.deploymentId,
          status: live.status,
          startedAt: live.startedAt ?? null,
          restarts: live.restarts,
        }
      : null,
    createdAt: server.createdAt,
  };
}
