import { join } from "node:path";
import { deployments, envVars, newId, servers } from "@gumstack/db";
import { runtimeSecretFor } from "@gumstack/runtime";
import { loadServerConfig } from "@gumstack/sdk";
import { eq } from "drizzle-orm";
import type { Services } from "../env.js";
import { ApiError } from "../errors.js";
import type { DeploymentInfo } from "../runner/index.js";
import type { ServerRow } from "./owned-server.js";

/**
 * Deploys a hosted server as it is configured now: its variables (decrypted only here, on the
 * way into the process) and the platform's GUMSTACK_* variables for it. The runner refuses
 * reserved names again, so nothing the API let through by mistake reaches a process.
 */
export async function deployServer(services: Services, server: ServerRow): Promise<DeploymentInfo> {
  if (server.sourcePath === null)
    throw new ApiError("conflict", `${server.name} has no source folder to deploy`);
  const config = loadServerConfig(join(server.sourcePath, "gumstack.yaml"));
  const { database, vault, runner, publicUrl } = services;
  // The version first, then the variables: a change landing in between leaves a redeploy
  // pending (the safe side) rather than hiding one.
  const [current] = await database.db
    .select({ envVersion: servers.envVersion })
    .from(servers)
    .where(eq(servers.id, server.id));
  const envVersion = current?.envVersion ?? server.envVersion;
  const rows = await database.db.select().from(envVars).where(eq(envVars.serverId, server.id));
  const env = Object.fromEntries(
    rows.map((row) => [
      row.name,
      vault.decrypt(row.value, { table: "env_vars", id: row.id, field: "value" }),
    ]),
  );
  const deploymentId = newId("deployment");
  const info = await runner.deploy({
    serverId: server.id,
    deploymentId,
    entry: join(server.sourcePath, config.entry),
    cwd: server.sourcePath,
    env,
    allowUnsafeNames: rows.filter((row) => row.allowUnsafe).map((row) => row.name),
    platformEnv: {
      GUMSTACK_SERVER_ID: server.id,
      GUMSTACK_RUNTIME_SECRET: runtimeSecretFor(vault, server.id),
      GUMSTACK_PLATFORM_URL: publicUrl,
    },
  });
  await database.db
    .insert(deployments)
    .values({ id: deploymentId, serverId: server.id, envVersion });
  return info;
}
