// A round of load on one route, with the CPU time each process spent on it: the load generator
// (this process), the platform, the hosted process and, on a floor's route, the floor's relay.
import { load, type Measured, type Target } from "../shared/load.js";
import { cpuMs, treeCpuMs } from "../shared/proc.js";
import type { GatewayReady } from "./ready.js";
import type { Route } from "./routes.js";

/** CPU milliseconds each process spent per 1,000 calls. */
export interface CpuPerCall {
  bench: number;
  platform: number;
  hosted: number;
  /** The floors' relay process (floors.ts), on a floor's route only. */
  relay?: number;
}

export interface Round {
  route: Route;
  measured: Measured;
  cpu: CpuPerCall;
}

export async function measureRound(
  route: Route,
  target: Target,
  options: { seconds: number; connections: number; ready: GatewayReady; relayPid?: number },
): Promise<Round> {
  const { platformPid, hostedPid } = options.ready;
  const { relayPid } = options;
  const before = {
    bench: process.cpuUsage(),
    platform: cpuMs(platformPid),
    hosted: treeCpuMs(hostedPid),
    relay: relayPid === undefined ? 0 : cpuMs(relayPid),
  };
  const measured = await load(target, options.seconds, options.connections);
  const bench = process.cpuUsage(before.bench);
  const perThousand = (ms: number) => (ms * 1000) / measured.calls;
  return {
    route,
    measured,
    cpu: {
      bench: perThousand((bench.user + bench.system) / 1000),
      platform: perThousand(cpuMs(platformPid) - before.platform),
      hosted: perThousand(treeCpuMs(hostedPid) - before.hosted),
      ...(relayPid === undefined ? {} : { relay: perThousand(cpuMs(relayPid) - before.relay) }),
    },
  };
}

const mean = <T>(items: readonly T[], pick: (item: T) => number) =>
  items.reduce((sum, item) => sum + pick(item), 0) / items.length;

/** The mean of a route's rounds. */
export function meanOf(rounds: readonly Round[], route: Route): Round {
  const mine = rounds.filter((r) => r.route === route);
  return {
    route,
    measured: {
      calls: mean(mine, (r) => r.measured.calls),
      callsPerSecond: mean(mine, (r) => r.measured.callsPerSecond),
      p50: mean(mine, (r) => r.measured.p50),
      p99: mean(mine, (r) => r.measured.p99),
    },
    cpu: {
      bench: mean(mine, (r) => r.cpu.bench),
      platform: mean(mine, (r) => r.cpu.platform),
      hosted: mean(mine, (r) => r.cpu.hosted),
      ...(mine.every((r) => r.cpu.relay !== undefined)
        ? { relay: mean(mine, (r) => r.cpu.relay as number) }
        : {}),
    },
  };
}
