// bench:proxied's second part: the first call of a user of a per-user proxied server, which
// starts that user's process (a sandbox, the bridge, `npx`, the registry's server-memory), and
// what each such process costs in memory. The users (made by platform-server.ts, each with an
// API key and their form's value) call one after the other.
import { percentile } from "../shared/load.js";
import { PlatformApi } from "../shared/platform-api.js";

export interface ColdStart {
  users: number;
  /** Milliseconds from the first request to its answer, sorted. */
  firstCalls: number[];
  /** The same users' second call: the process already runs. */
  secondCalls: number[];
  /** Resident memory of each user's process tree, MiB, sorted. */
  memoryMiB: number[];
}

async function timedToolsList(gatewayUrl: string, key: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(gatewayUrl, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    signal: AbortSignal.timeout(180_000),
  });
  const text = await response.text();
  if (!response.ok || !text.includes("read_graph"))
    throw new Error(`tools/list answered ${response.status}: ${text.slice(0, 300)}`);
  return performance.now() - started;
}

/** Each key's first and second call, one user after the other; then the processes' memory. */
export async function measureColdStart(
  gatewayUrl: string,
  keys: readonly string[],
  admin: { email: string; password: string },
): Promise<ColdStart> {
  const firstCalls: number[] = [];
  const secondCalls: number[] = [];
  for (const key of keys) {
    firstCalls.push(await timedToolsList(gatewayUrl, key));
    secondCalls.push(await timedToolsList(gatewayUrl, key));
  }
  const { origin, pathname } = new URL(gatewayUrl);
  const api = new PlatformApi(origin);
  await api.signIn("sign-in", admin);
  const server = pathname.split("/").at(-1) as string;
  const { processes } = (await api.call("GET", `/api/servers/${server}/processes`)) as {
    processes: Array<{ memoryBytes: number | null }>;
  };
  const sort = (values: number[]) => [...values].sort((a, b) => a - b);
  return {
    users: keys.length,
    firstCalls: sort(firstCalls),
    secondCalls: sort(secondCalls),
    memoryMiB: sort(processes.map((p) => (p.memoryBytes ?? 0) / 1024 / 1024)),
  };
}

export const p50 = (sorted: readonly number[]) => percentile(sorted, 50);
