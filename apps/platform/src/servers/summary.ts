import { deployments } from "@gumstack/db";
import { ServerConfigError } from "@gumstack/sdk";
import { desc, eq } from "drizzle-orm";
import type { Services } from "../env.js";
import { configOf } from "./config-of.js";
import type { ServerRow } from "./owned-server.js";

/** The description in the server's gumstack.yaml, if it can be read now. */
function descriptionOf(server: ServerRow): string | null {
  if (server.sourcePath === null) return null;
  try {
    return configOf(server).description ?? null;
  } catch (error) {
    // A gumstack.yaml broken on disk shows at the next deploy; a listing still lists.
    if (error instanceof ServerConfigError) return null;
    throw error;
  }
}

/**
 * A server as the API shows it to `viewerId`: its live status from the runner, whether a
 * redeploy is due, whether the viewer owns it, and the URL MCP clients use.
 */
export async function serverSummary(services: Services, server: ServerRow, viewerId: string) {
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
    description: descriptionOf(server),
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
