import type { DeploymentInfo, Lease, Runner } from "../runner/index.js";

/**
 * A runner whose one "process" is a host the test serves itself, at `url`: for tests that must
 * share a clock (or anything else in memory) with the hosted server. Everything on the way (the
 * gateway, HTTP, the platform's routes) is the real one; only the process start is skipped.
 */
export function inProcessRunner(): Runner & { serveAt(url: string): void } {
  let url: string | undefined;
  const kept = new Map<string, DeploymentInfo>();
  const serving = new Map<string, DeploymentInfo>();
  const info = (serverId: string, deploymentId: string): DeploymentInfo => ({
    serverId,
    deploymentId,
    status: "running",
    pid: process.pid,
    port: url === undefined ? undefined : Number(new URL(url).port),
    createdAt: Date.now(),
    startedAt: Date.now(),
    restarts: 0,
    lastExit: undefined,
    // Not a process at all: nothing to sandbox.
    sandboxed: false,
  });
  return {
    serveAt(at) {
      url = at;
    },
    async deploy(spec) {
      const deployment = info(spec.serverId, spec.deploymentId);
      kept.set(spec.deploymentId, deployment);
      serving.set(spec.serverId, deployment);
      return deployment;
    },
    acquire(serverId): Lease | undefined {
      const deployment = serving.get(serverId);
      if (!deployment || url === undefined) return undefined;
      return {
        url,
        deploymentId: deployment.deploymentId,
        // Never drained: its one "process" is this test's.
        onCutOff: () => () => {},
        release() {},
      };
    },
    async stop(serverId) {
      serving.delete(serverId);
    },
    status: (serverId) => serving.get(serverId),
    deployment: (deploymentId) => kept.get(deploymentId),
    deployments: (serverId) => [...kept.values()].filter((d) => d.serverId === serverId),
    logs: () => [],
    async close() {
      serving.clear();
    },
  };
}

/**
 * A runner that sends every server's calls to `url()`, deployed or not: for gateway tests whose
 * servers are rows seeded straight into the database, with one endpoint the test serves.
 */
export function upstreamRunner(url: () => string): Runner {
  return {
    deploy: async () => {
      throw new Error("nothing is deployed in this test");
    },
    acquire: () => ({
      url: url(),
      deploymentId: "dep_upstream",
      onCutOff: () => () => {},
      release() {},
    }),
    stop: async () => {},
    status: () => undefined,
    deployment: () => undefined,
    deployments: () => [],
    logs: () => [],
    close: async () => {},
  };
}
