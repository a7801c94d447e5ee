import { type Database, deployments, type Id } from "@gumstack/db";
import {
  type ProviderDescription,
  providerDescriptionSchema,
} from "@gumstack/runtime/internal-api";
import { desc, eq } from "drizzle-orm";
import type { Runner } from "../runner/index.js";
import { type DeployedConfig, deployedConfigSchema } from "./deployed-config.js";

export type DeploymentRow = typeof deployments.$inferSelect;

/** What a deployment was made with, read back through the schemas it was written with. */
export interface Deployed {
  deploymentId: Id<"deployment">;
  envVersion: number;
  /** Null for a deployment made before configs were kept (it is redeployed at the next start). */
  config: DeployedConfig | null;
  /** An oauth server's AuthProvider as its process described it; null for other servers. */
  provider: ProviderDescription | null;
}

export function deployedOf(row: DeploymentRow): Deployed {
  return {
    deploymentId: row.id,
    envVersion: row.envVersion,
    config: row.config === null ? null : deployedConfigSchema.parse(row.config),
    provider: row.provider === null ? null : providerDescriptionSchema.parse(row.provider),
  };
}

/** The server's newest successful deployment, if it has one. */
export async function newestDeployment(
  db: Database,
  serverId: Id<"server">,
): Promise<Deployed | undefined> {
  const [row] = await db
    .select()
    .from(deployments)
    .where(eq(deployments.serverId, serverId))
    .orderBy(desc(deployments.createdAt))
    .limit(1);
  return row ? deployedOf(row) : undefined;
}

/**
 * What each server's newest deployment was made with, for the requests that need it (a form's
 * fields, an oauth server's provider). A deployment never changes, so the one the runner serves
 * is kept in memory once read; a new deployment is read once, when it starts serving. Other
 * instances' deployments are read from the database, as is a server this one does not run.
 */
export class DeployedConfigs {
  private readonly serving = new Map<Id<"server">, Deployed>();

  constructor(
    private readonly db: Database,
    private readonly runner: Runner,
  ) {}

  async of(serverId: Id<"server">): Promise<Deployed | undefined> {
    const live = this.runner.status(serverId)?.deploymentId;
    const known = this.serving.get(serverId);
    if (known !== undefined && known.deploymentId === live) return known;
    const newest = await newestDeployment(this.db, serverId);
    // Just healthy, its row may not be written yet: not kept until it is.
    if (newest !== undefined && newest.deploymentId === live) this.serving.set(serverId, newest);
    return newest;
  }
}
