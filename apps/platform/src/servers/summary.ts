import type { Services } from "../env.js";
import { newestDeployment } from "./deployed.js";
import type { ServerRow } from "./owned-server.js";

/**
 * A server as the API shows it to `viewerId`: its live status from the runner (`per_user` for a
 * proxied server that runs one process per caller, on demand), whether a
 * redeploy is due, whether the viewer owns it, and the URL MCP clients use. The description is
 * its newest deployment's (null before the first one succeeds): listing reads no server folder.
 */
export async function serverSummary(services: Services, server: ServerRow, viewerId: string) {
  const latest = await newestDeployment(services.database.db, server.id);
  const live = services.runner.status(server.id);
  // A per-user proxied server runs nothing of its own: a process per caller, on demand.
  const perUser = services.proxied.perUser(server.id);
  return {
    id: server.id,
    name: server.name,
    description: latest?.config?.description ?? null,
    authType: server.authType,
    kind: server.kind,
    status: perUser ? ("per_user" as const) : (live?.status ?? "not_deployed"),
    /** Per-user proxied servers: the processes running now, one per user. */
    processes: perUser ? services.proxied.list(server.id).length : null,
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
