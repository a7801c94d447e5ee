// A closed loop of MCP clients calling one tool: each client waits for its reply before its next
// call, so `clients` is the number of calls in flight. The same SDK Client drives every route,
// so what differs between routes is only what stands between the client and the server.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { percentile } from "../shared/load.js";

export interface Driven {
  calls: number;
  callsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /**
   * CPU of this process (the clients) per call, microseconds: the same SDK Client on every
   * route, so this part of each route's cost is the load generator's, not the route's.
   */
  clientCpuPerCall: number;
}

export const MESSAGE = "hello from bench:proxied";

/** Calls `echo` from every client until `seconds` have passed; any wrong reply rejects. */
export async function drive(clients: readonly Client[], seconds: number): Promise<Driven> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1_000;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < until) {
        const at = performance.now();
        const result = await client.callTool({ name: "echo", arguments: { message: MESSAGE } });
        latencies.push(performance.now() - at);
        const text = (result as { content?: Array<{ text?: string }> }).content?.[0]?.text;
        if (!text?.includes(MESSAGE))
          throw new Error(`unexpected reply: ${JSON.stringify(result)}`);
      }
    }),
  );
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
