// What a closed loop of calls measured (each caller waits for its reply before its next call):
// bench:proxied's routes, whichever client drives them.
import { percentile } from "./load.js";

export interface Driven {
  calls: number;
  callsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /** CPU of this process (the load generator) per call, microseconds. */
  clientCpuPerCall: number;
}

/** The figures of a loop that began at `started` (performance.now()) and `cpu` (cpuUsage()). */
export function summarize(latencies: number[], started: number, cpu: NodeJS.CpuUsage): Driven {
  const elapsed = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    callsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    clientCpuPerCall: (used.user + used.system) / latencies.length,
  };
}
