import { Deployment, type DeploymentSettings } from "./deployment.js";
import {
  DeploymentFailedError,
  InvalidSpecError,
  RunnerClosedError,
  SandboxUnavailableError,
} from "./errors.js";
import { createIsolation } from "./sandbox/index.js";
import { specProblems } from "./spec-problems.js";
import type { DeploymentInfo, DeploymentSpec, Runner, RunnerOptions } from "./types.js";

interface ServerSlot {
  /** The deployment `acquire` hands out. */
  current: Deployment | undefined;
  /** Kept deployments, oldest first: live ones always, finished ones up to the limit. */
  history: Deployment[];
  /** The end of the last deploy queued for this server: deploys run one at a time. */
  queue: Promise<unknown>;
}

const finished = (d: Deployment) => d.status === "stopped" || d.status === "failed";

/** A copy: the caller changing its object later changes nothing here. */
function copyOf(spec: DeploymentSpec): DeploymentSpec {
  const { mounts, ...rest } = spec;
  return {
    ...rest,
    env: { ...spec.env },
    platformEnv: { ...spec.platformEnv },
    ...(mounts && {
      mounts: { readOnly: [...(mounts.readOnly ?? [])], writable: [...(mounts.writable ?? [])] },
    }),
  };
}

/**
 * Runs each hosted server as a child process of this one, on a loopback port: in a sandbox of
 * its own where bwrap works (see sandbox/), else as the platform's user, saying so loudly.
 */
export function createLocalRunner(options: RunnerOptions): Runner {
  const platformPath = process.env.PATH;
  const settings: DeploymentSettings = {
    log: options.log,
    healthTimeoutMs: options.healthTimeoutMs ?? 30_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
    stopGraceMs: options.stopGraceMs ?? 10_000,
    restartBackoff: {
      baseMs: options.restartBackoff?.baseMs ?? 500,
      maxMs: options.restartBackoff?.maxMs ?? 30_000,
      resetAfterMs: options.restartBackoff?.resetAfterMs ?? 60_000,
    },
    maxLogLines: options.maxLogLines ?? 2_000,
    maxLogBytes: options.maxLogBytes ?? 1024 * 1024,
    path: "path" in options ? options.path : platformPath,
    now: options.now ?? Date.now,
    isolation: createIsolation({
      mode: options.sandbox ?? "auto",
      bwrap: options.bwrap ?? "bwrap",
      searchPath: platformPath,
      hidden: options.protectedPaths ?? [],
      log: options.log,
    }),
  };
  const keptDeployments = options.keptDeployments ?? 10;
  const servers = new Map<string, ServerSlot>();
  const byId = new Map<string, Deployment>();
  let closed = false;

  const slotOf = (serverId: string): ServerSlot => {
    let slot = servers.get(serverId);
    if (!slot) {
      slot = { current: undefined, history: [], queue: Promise.resolve() };
      servers.set(serverId, slot);
    }
    return slot;
  };

  /** Forgets the oldest finished deployments over the limit (their logs go with them). */
  const prune = (slot: ServerSlot) => {
    let excess = slot.history.length - keptDeployments;
    slot.history = slot.history.filter((d) => {
      if (excess <= 0 || !finished(d) || d === slot.current) return true;
      excess -= 1;
      byId.delete(d.id);
      return false;
    });
  };

  /** Switches the server to `next` once it is healthy; the one it replaces drains and stops. */
  const serve = async (slot: ServerSlot, next: Deployment): Promise<DeploymentInfo> => {
    try {
      await next.start();
      // stop() or close() may have come in between: then it is already on its way out.
      if (next.status !== "running" && next.status !== "crashed") {
        throw new DeploymentFailedError(next.id, "stopped before it could serve", []);
      }
      const previous = slot.current;
      slot.current = next;
      if (previous) void previous.stop().then(() => prune(slot));
      return next.info();
    } finally {
      prune(slot);
    }
  };

  return {
    async deploy(spec) {
      if (closed) throw new RunnerClosedError();
      const problems = specProblems(spec);
      if (byId.has(spec.deploymentId)) {
        problems.push(`deploymentId: ${spec.deploymentId} is already used`);
      }
      if (problems.length > 0) throw new InvalidSpecError(problems);
      const refusal = settings.isolation.refusal;
      if (refusal !== undefined) {
        options.log.error("deploy refused: no sandbox", { serverId: spec.serverId, refusal });
        throw new SandboxUnavailableError(spec.serverId, refusal);
      }
      const slot = slotOf(spec.serverId);
      const deployment = new Deployment(copyOf(spec), settings);
      byId.set(deployment.id, deployment);
      slot.history.push(deployment);
      const run = slot.queue.then(() => serve(slot, deployment));
      slot.queue = run.catch(() => undefined);
      return run;
    },

    acquire(serverId) {
      return servers.get(serverId)?.current?.acquire();
    },

    async stop(serverId) {
      const slot = servers.get(serverId);
      if (!slot) return;
      slot.current = undefined;
      await Promise.all(slot.history.map((d) => d.stop()));
      prune(slot);
    },

    status(serverId) {
      const slot = servers.get(serverId);
      return (slot?.current ?? slot?.history.at(-1))?.info();
    },

    deployment(deploymentId) {
      return byId.get(deploymentId)?.info();
    },

    deployments(serverId) {
      return (servers.get(serverId)?.history ?? []).map((d) => d.info()).reverse();
    },

    logs(deploymentId) {
      return byId.get(deploymentId)?.logs.snapshot() ?? [];
    },

    async close() {
      closed = true;
      for (const slot of servers.values()) slot.current = undefined;
      await Promise.all([...byId.values()].map((d) => d.stop()));
    },
  };
}
