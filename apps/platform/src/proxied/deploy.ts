import { newId } from "@gumstack/db";
import { ProviderConfigError } from "@gumstack/providers";
import { describeProvider } from "@gumstack/runtime/internal-api";
import type { Services } from "../env.js";
import { DeploymentFailedError } from "../runner/index.js";
import { platformEnvOf, readVariables, recordDeployment } from "../servers/deploy.js";
import { deployedConfigOf } from "../servers/deployed-config.js";
import type { ServerRow } from "../servers/owned-server.js";
import type { ProxiedFolder } from "../servers/server-folder.js";
import { type ProxiedProvider, proxiedProvider } from "./provider.js";

/**
 * Deploys a proxied server (stdio or remote): checks that every operator variable its templates
 * name is set, hands it to the proxied processes (a shared server starts now; a per-user one
 * starts per user on first call, and every running one is replaced before its next call) and
 * records the deployment, whose configuration is what the credential form and the resolver read.
 * An `oauth` server's provider is built here from the catalog and the server's variables: one
 * that is not set stops the deploy, naming it.
 */
export async function deployProxied(
  services: Services,
  server: ServerRow,
  folder: ProxiedFolder,
): Promise<undefined> {
  const { config } = folder;
  const deploymentId = newId("deployment");
  const { envVersion, env } = await readVariables(services, server);
  const declared = config.auth.type === "none" ? config.auth.env : [];
  const unset = declared.filter((name) => env[name] === undefined);
  if (unset.length > 0) {
    throw new DeploymentFailedError(
      deploymentId,
      `set ${unset.join(", ")} first (the server's variables its configuration uses)`,
      [],
    );
  }
  let oauth: ProxiedProvider | undefined;
  try {
    oauth = proxiedProvider(config, env, {
      db: services.database.db,
      vault: services.vault,
      serverId: server.id,
      ownerId: server.ownerId,
      callbackUrl: `${services.publicUrl}/auth/callback`,
      allowPrivateUrls: services.proxied.allowPrivateUrls,
    });
  } catch (error) {
    if (!(error instanceof ProviderConfigError)) throw error;
    throw new DeploymentFailedError(deploymentId, error.message, []);
  }
  await services.proxied.deployed({
    serverId: server.id,
    name: server.name,
    deploymentId,
    config,
    folder: folder.path,
    variables: env,
    platformEnv: platformEnvOf(services, server.id),
    allowPrivateUrls: services.proxied.allowPrivateUrls,
    ...(oauth ? { oauth } : {}),
  });
  await recordDeployment(services.database.db, {
    id: deploymentId,
    serverId: server.id,
    envVersion,
    config: deployedConfigOf(config),
    // What the connect route and the credential resolver read, as for a hosted server.
    provider: oauth ? describeProvider(oauth.provider) : null,
  });
  return undefined;
}
