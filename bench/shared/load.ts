// One autocannon run against one endpoint, every reply checked. Requests are built per request
// (setupRequest) on every target, also when nothing in them changes, so that a target whose
// requests carry a fresh header each time costs the load generator no more than one without.
import autocannon from "autocannon";

export const CONNECTIONS = 10;

export interface Target {
  name: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Added to `headers` for each request (a freshly signed context, say). */
  perRequest?: () => Record<string, string>;
  /** The verified reply: every reply under load must be exactly this. */
  expectBody: string;
}

export interface Measured {
  calls: number;
  callsPerSecond: number;
  /** Milliseconds, from each response's own time (autocannon's histogram keeps whole ms). */
  p50: number;
  p99: number;
}

export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

/** Runs `seconds` of load; rejects on any error, timeout, non-2xx or reply other than expected. */
export function load(
  target: Target,
  seconds: number,
  connections = CONNECTIONS,
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let mismatches = 0;
    let firstMismatch = "";
    const instance = autocannon(
      {
        url: target.url,
        method: "POST",
        headers: target.headers,
        body: target.body,
        connections,
        pipelining: 1,
        duration: seconds,
        requests: [
          {
            setupRequest: (request) =>
              target.perRequest
                ? { ...request, headers: { ...request.headers, ...target.perRequest() } }
                : request,
            onResponse: (_status, body) => {
              if (body === target.expectBody) return;
              mismatches += 1;
              firstMismatch ||= body.slice(0, 300);
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const problems = [
          result.errors > 0 && `${result.errors} errors`,
          result.timeouts > 0 && `${result.timeouts} timeouts`,
          result.non2xx > 0 && `${result.non2xx} non-2xx responses`,
          mismatches > 0 && `${mismatches} replies other than the checked one (${firstMismatch})`,
          result["2xx"] === 0 && "no successful responses",
        ].filter(Boolean);
        if (problems.length > 0) {
          reject(new Error(`${target.name}: ${problems.join(", ")}`));
          return;
        }
        latencies.sort((a, b) => a - b);
        resolve({
          calls: result["2xx"],
          callsPerSecond: result["2xx"] / result.duration,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
        });
      },
    );
    // autocannon emits (client, statusCode, bytes, milliseconds); @types/autocannon omits `client`.
    instance.on("response", (...args: unknown[]) => {
      const ms = args[3];
      if (typeof ms === "number") latencies.push(ms);
    });
  });
}
