// A closed loop of SDK clients calling one tool: each waits for its reply before its next call,
// so `clients` is the number of calls in flight. bench:proxied's direct stdio route; its HTTP
// routes are driven by bench/shared/mcp-load.ts.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type Driven, summarize } from "../shared/closed-loop.js";

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
  return summarize(latencies, started, cpu);
}
