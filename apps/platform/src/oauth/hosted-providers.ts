import type { Id } from "@gumstack/db";
import { ProviderResponseError, ProviderUnavailableError } from "@gumstack/oauth";
import { type Clock, runtimeSecretFor, withDeadline } from "@gumstack/runtime";
import {
  INTERNAL_PATHS,
  type ProviderCall,
  type ProviderDescription,
  providerDescriptionSchema,
  RemoteAuthProvider,
} from "@gumstack/runtime/internal-api";
import type { Vault } from "@gumstack/vault";
import type { Runner } from "../runner/index.js";
import type { DeployedConfigs } from "../servers/deployed.js";

/**
 * How long a call without a request's deadline may take (connecting an account, a callback, a
 * revocation): longer than the provider's own timeouts and retries inside the server's process.
 */
const CALL_TIMEOUT_MS = 25_000;

/**
 * The AuthProviders of the hosted servers, as the platform's one broker sees them: each lives in
 * its server's process (its code, its client secret), and each call goes there over loopback
 * with the server's runtime secret. What the broker must know before calling (the provider's
 * name, PKCE...) is asked once per deployment, when it becomes healthy, and kept with it.
 */
export class HostedProviders {
  constructor(
    private readonly runner: Runner,
    private readonly vault: Vault,
    private readonly deployed: DeployedConfigs,
    private readonly clock: Clock,
  ) {}

  /** Asks the deployment's process what its provider is: once, as the deployment starts serving. */
  async describe(serverId: Id<"server">, deploymentId: string): Promise<ProviderDescription> {
    const deadline = this.clock.now() + CALL_TIMEOUT_MS;
    const body = await this.request(serverId, undefined, deadline, deploymentId);
    const parsed = providerDescriptionSchema.safeParse(body);
    if (!parsed.success)
      throw new ProviderResponseError("the server described no provider", undefined);
    return parsed.data;
  }

  /**
   * The provider the server's newest deployment described, calling its process until
   * `deadline`; ProviderUnavailableError when no deployment described one.
   */
  async of(serverId: Id<"server">, deadline = Infinity): Promise<RemoteAuthProvider> {
    const description = (await this.deployed.of(serverId))?.provider;
    if (!description)
      throw new ProviderUnavailableError(
        "no deployment of the server described its provider",
        undefined,
      );
    const by = Math.min(deadline, this.clock.now() + CALL_TIMEOUT_MS);
    return new RemoteAuthProvider(description, (call) => this.request(serverId, call, by));
  }

  /** For the broker: the provider a state or connection names, if the server still uses it. */
  lookup = async (
    name: string,
    serverId: Id<"server">,
    call: { deadline?: number } = {},
  ): Promise<RemoteAuthProvider | undefined> => {
    const provider = await this.of(serverId, call.deadline);
    return provider.name === name ? provider : undefined;
  };

  /** GET (describe) or POST (a call) to the server's /internal/auth, given up at `deadline`. */
  private async request(
    serverId: Id<"server">,
    call: ProviderCall | undefined,
    deadline: number,
    deploymentId?: string,
  ): Promise<unknown> {
    const lease = this.runner.acquire(serverId);
    if (!lease) throw new ProviderUnavailableError("the server is not running", undefined);
    try {
      if (deploymentId !== undefined && lease.deploymentId !== deploymentId)
        throw new ProviderUnavailableError("another deployment of the server serves", undefined);
      return await withDeadline(this.clock, deadline, "provider", async (signal) => {
        let response: Response;
        try {
          response = await fetch(`${lease.url}${INTERNAL_PATHS.auth}`, {
            method: call ? "POST" : "GET",
            headers: {
              authorization: `Bearer ${runtimeSecretFor(this.vault, serverId)}`,
              ...(call ? { "content-type": "application/json" } : {}),
            },
            ...(call ? { body: JSON.stringify(call) } : {}),
            signal,
          });
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          throw new ProviderUnavailableError("the server could not be reached", undefined, {
            cause: error,
          });
        }
        const body: unknown = await response.json().catch(() => null);
        // 422 carries the provider's failure, which RemoteAuthProvider turns back into its type.
        if ((response.status === 200 || response.status === 422) && body !== null) return body;
        throw new ProviderUnavailableError(
          `the server's provider endpoint answered ${response.status}`,
          response.status,
        );
      });
    } finally {
      lease.release();
    }
  }
}
