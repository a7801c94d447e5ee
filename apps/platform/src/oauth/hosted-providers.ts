import {
  type AuthProvider,
  type ProviderAnswer,
  type ProviderCall,
  type ProviderDescription,
  ProviderUnavailableError,
  RemoteAuthProvider,
} from "@gumstack/oauth";
import { runtimeSecretFor } from "@gumstack/runtime";
import type { Vault } from "@gumstack/vault";
import type { Runner } from "../runner/index.js";

/** Longer than the provider's own timeouts and retries inside the server's process. */
const CALL_TIMEOUT_MS = 25_000;

/**
 * The AuthProviders of the hosted servers, as the platform's one broker sees them: each lives in
 * its server's process (its code, its client secret), and each call goes there over loopback
 * with the server's runtime secret. A server's provider is described once per deployment.
 */
export class HostedProviders {
  /** By server: the deployment described and what it said. */
  private readonly described = new Map<
    string,
    { deploymentId: string; description: Promise<ProviderDescription> }
  >();

  constructor(
    private readonly runner: Runner,
    private readonly vault: Vault,
  ) {}

  /** The provider the server uses; rejects with ProviderUnavailableError when it is not running. */
  async of(serverId: string): Promise<AuthProvider> {
    return new RemoteAuthProvider(await this.describe(serverId), (call) =>
      this.send(serverId, call),
    );
  }

  /** For the broker: the provider a state or connection names, if the server still uses it. */
  lookup = async (name: string, serverId: string): Promise<AuthProvider | undefined> => {
    const provider = await this.of(serverId);
    return provider.name === name ? provider : undefined;
  };

  private describe(serverId: string): Promise<ProviderDescription> {
    const deploymentId = this.runner.status(serverId)?.deploymentId;
    const known = this.described.get(serverId);
    if (known && known.deploymentId === deploymentId) return known.description;
    const description = this.request(serverId, "GET").then((body) => body as ProviderDescription);
    if (deploymentId !== undefined) {
      this.described.set(serverId, { deploymentId, description });
      // A failed description is asked again next time rather than remembered.
      description.catch(() => {
        if (this.described.get(serverId)?.description === description)
          this.described.delete(serverId);
      });
    }
    return description;
  }

  private async send(serverId: string, call: ProviderCall): Promise<ProviderAnswer> {
    return { status: 200, body: (await this.request(serverId, "POST", call)) as never };
  }

  private async request(serverId: string, method: "GET" | "POST", call?: ProviderCall) {
    const lease = this.runner.acquire(serverId);
    if (!lease) throw new ProviderUnavailableError("the server is not running", undefined);
    try {
      const response = await fetch(`${lease.url}/internal/auth`, {
        method,
        headers: {
          authorization: `Bearer ${runtimeSecretFor(this.vault, serverId)}`,
          ...(call ? { "content-type": "application/json" } : {}),
        },
        ...(call ? { body: JSON.stringify(call) } : {}),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const body: unknown = await response.json().catch(() => null);
      // 422 carries the provider's failure, which RemoteAuthProvider turns back into its type.
      if ((response.status === 200 || response.status === 422) && body !== null) return body;
      throw new ProviderUnavailableError(
        `the server's provider endpoint answered ${response.status}`,
        response.status,
      );
    } catch (error) {
      if (error instanceof ProviderUnavailableError) throw error;
      throw new ProviderUnavailableError("the server could not be reached", undefined, {
        cause: error,
      });
    } finally {
      lease.release();
    }
  }
}
