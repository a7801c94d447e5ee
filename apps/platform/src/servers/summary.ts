import type { Services } from "../env.js";
import { newestDeployment } from "./deployed.js";
import type { ServerRow } from "./owned-server.js";

/**
 * A server as the API shows it to `viewerId`: its live status from the runner, whether a
 * redeploy is due, whether the viewer owns it, and the URL MCP clients use. The description is
 * its newest deployment's (null before the first one succeeds): listing reads no server folder.
 */
export async function serverSummary(services: Services, server: ServerRow, viewerId: string) {
  const latest = await newestDeployment(services.database.db, server.id);
  const live = services.runner.status(server.id);
  return {
    id: server.id,
    name: server.name,
    description: latest?.config?.description ?? null,
    authType: server.authType,
    status: live?.status ?? "not_deployed",
    redeployPending: latest !== undefined && server.envVersion > latest.envVersion,
    owned: server.ownerId === viewerId,
    mcpUrl: `${services.publicUrl}/mcp/${server.name}`,
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
