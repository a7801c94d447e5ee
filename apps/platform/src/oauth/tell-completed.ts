import type { Logger } from "@gumstack/log";
import { runtimeSecretFor } from "@gumstack/runtime";
import { tellCompleted } from "@gumstack/runtime/internal-api";
import type { Vault } from "@gumstack/vault";
import type { Runner } from "../runner/index.js";

/** Loopback, one small body: a server that takes longer is not waiting on anyone. */
const TELL_TIMEOUT_MS = 2_000;

/**
 * Tells a server's running process that a user finished one of its links (connected, saved the
 * form), so the URL elicitations it sent them are marked complete and their client can retry.
 * A server not running has no session waiting (sessions live in its process): nothing to tell.
 * A failure costs the client only the prompt to retry, so it is logged, not shown to the user.
 */
export async function tellServerCompleted(
  services: { runner: Runner; vault: Vault; log: Logger },
  serverId: string,
  userId: string,
): Promise<void> {
  const lease = services.runner.acquire(serverId);
  if (!lease) return;
  try {
    await tellCompleted(
      lease.url,
      runtimeSecretFor(services.vault, serverId),
      userId,
      AbortSignal.timeout(TELL_TIMEOUT_MS),
    );
  } catch (error) {
    services.log.warn("could not tell a server that its link was used", { serverId, error });
  } finally {
    lease.release();
  }
}
