import { type Database, deployments, envVars, type Id, newId, servers } from "@gumstack/db";
import { runtimeSecretFor } from "@gumstack/runtime";
import type { ProviderDescription } from "@gumstack/runtime/internal-api";
import { eq } from "drizzle-orm";
import type { Services } from "../env.js";
import { ApiError } from "../errors.js";
import { deployProxied } from "../proxied/deploy.js";
import { DeploymentFailedError, type DeploymentInfo } from "../runner/index.js";
import { type DeployedConfig, deployedConfigOf } from "./deployed-config.js";
import type { ServerRow } from "./owned-server.js";
import { readServerFolder, type ServerFolder, ServerFolderError } from "./server-folder.js";

/** The record of a successful deployment: what it ran with, and what it was made from. */
export async function recordDeployment(
  db: Database,
  deployment: {
    id: Id<"deployment">;
    serverId: Id<"server">;
    envVersion: number;
    config: DeployedConfig;
    provider: ProviderDescription | null;
  },
): Promise<void> {
  await db.insert(deployments).values({
    id: deployment.id,
    serverId: deployment.serverId,
    envVersion: deployment.envVersion,
    config: deployment.config,
    provider: deployment.provider,
  });
}

/** The server's folder as it is now; `folder` when the caller has just read it. */
function folderOf(server: ServerRow, folder: ServerFolder | undefined): ServerFolder {
  if (server.sourcePath === null)
    throw new ApiError("conflict", `${server.name} has no source folder to deploy`);
  if (folder) return folder;
  try {
    return readServerFolder(server.sourcePath);
  } catch (error) {
    if (!(error instanceof ServerFolderError)) throw error;
    throw new ApiError("conflict", `${server.name} cannot be deployed: ${error.message}`, {
      cause: error,
    });
  }
}

/** The server's variables now, decrypted (only on the way into a process), and their version. */
export async function readVariables(
  services: Pick<Services, "database" | "vault">,
  server: ServerRow,
): Promise<{ envVersion: number; env: Record<string, string>; allowUnsafe: string[] }> {
  const { database, vault } = services;
  // The version first, then the variables: a change landing in between leaves a redeploy
  // pending (the safe side) rather than hiding one.
  const [current] = await database.db
    .select({ envVersion: servers.envVersion })
    .from(servers)
    .where(eq(servers.id, server.id));
  const rows = await database.db.select().from(envVars).where(eq(envVars.serverId, server.id));
  return {
    envVersion: current?.envVersion ?? server.envVersion,
    env: Object.fromEntries(
      rows.map((row) => [
        row.name,
        vault.decrypt(row.value, { table: "env_vars", id: row.id, field: "value" }),
      ]),
    ),
    allowUnsafe: rows.filter((row) => row.allowUnsafe).map((row) => row.name),
  };
}

/** The platform's own variables for a server's processes: who it is, its secret, where we are. */
export function platformEnvOf(services: Pick<Services, "vault" | "publicUrl">, serverId: string) {
  return {
    GUMSTACK_SERVER_ID: serverId,
    GUMSTACK_RUNTIME_SECRET: runtimeSecretFor(services.vault, serverId),
    GUMSTACK_PLATFORM_URL: services.publicUrl,
  };
}

/**
 * Deploys a server as it is configured now: its file, read once here, and its variables. A
 * proxied server goes to proxied/deploy.ts; a hosted one is started here with its variables and
 * the platform's GUMSTACK_* variables for it. The runner refuses reserved names again, so
 * nothing the API let through by mistake reaches a process. Once the process is healthy, an
 * oauth server's is asked once what its provider is; the deployment is recorded with that and
 * the parsed file, which is all that serving its requests reads.
 */
export async function deployServer(
  services: Services,
  server: ServerRow,
  read?: ServerFolder,
): Promise<DeploymentInfo | undefined> {
  const folder = folderOf(server, read);
  const { config } = folder;
  if (config.auth.type !== server.authType) {
    throw new ApiError(
      "auth_type_fixed",
      `${server.name} was created with auth type ${server.authType}; its file now says ${config.auth.type}. Set auth.type back, or register it under a new name.`,
    );
  }
  if (folder.kind !== server.kind) {
    throw new ApiError(
      "conflict",
      `kind: ${server.name} was registered as a ${server.kind} server; its file now says ${folder.kind}`,
    );
  }
  if (folder.kind !== "hosted") return deployProxied(services, server, folder);
  const { database, runner, providers } = services;
  const { envVersion, env, allowUnsafe } = await readVariables(services, server);
  const deploymentId = newId("deployment");
  const info = await runner.deploy({
    serverId: server.id,
    deploymentId,
    entry: folder.entry,
    cwd: folder.path,
    env,
    allowUnsafeNames: allowUnsafe,
    platformEnv: platformEnvOf(services, server.id),
  });
  let provider: ProviderDescription | null = null;
  if (server.authType === "oauth") {
    // Serving already: until a deployment that described its provider is recorded, oauth
    // requests go by the previous one's, or are answered "unavailable" if there is none.
    try {
      provider = await providers.describe(server.id, deploymentId);
    } catch (error) {
      const reason = `it did not describe its AuthProvider (${error instanceof Error ? error.message : "unknown"})`;
      throw new DeploymentFailedError(deploymentId, reason, runner.logs(deploymentId).slice(-20));
    }
  }
  await recordDeployment(database.db, {
    id: deploymentId,
    serverId: server.id,
    envVersion,
    config: deployedConfigOf(config),
    provider,
  });
  return info;
}
