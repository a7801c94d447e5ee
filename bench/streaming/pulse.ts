// One pulse: a tools/call of the streaming server's `pulse` tool, its SSE answer read as it
// comes, and for each progress notification how long it took from the server's send to here.
import { request } from "node:http";

/** The events of an SSE stream, as their data, handed over as each completes. */
export function sseEvents(onData: (data: string) => void): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk;
    for (let end = pending.indexOf("\n\n"); end !== -1; end = pending.indexOf("\n\n")) {
      const event = pending.slice(0, end);
      pending = pending.slice(end + 2);
      for (const line of event.split("\n"))
        if (line.startsWith("data: ")) onData(line.slice("data: ".length));
    }
  };
}

/** Milliseconds from send to arrival of each of `count` progress notifications. */
export function pulse(
  url: string,
  headers: Record<string, string>,
  count: number,
  everyMs: number,
): Promise<number[]> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
    });
    req.once("error", reject);
    req.once("response", (res) => {
      if (res.statusCode !== 200 || !res.headers["content-type"]?.startsWith("text/event-stream")) {
        reject(new Error(`pulse: ${res.statusCode} ${res.headers["content-type"]}`));
        res.resume();
        return;
      }
      let result = "";
      res.setEncoding("utf8");
      res.on(
        "data",
        sseEvents((data) => {
          const arrived = performance.timeOrigin + performance.now();
          const message: unknown = JSON.parse(data);
          const params = (message as { params?: { message?: unknown } }).params;
          if ((message as { method?: unknown }).method === "notifications/progress") {
            latencies.push(arrived - Number(params?.message));
          } else result = data;
        }),
      );
      res.once("end", () => {
        if (latencies.length !== count || !result.includes(`pulsed ${count}`)) {
          reject(new Error(`pulse: ${latencies.length} of ${count} events, then ${result}`));
        } else resolve(latencies);
      });
      res.once("error", reject);
    });
    req.end(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "pulse", arguments: { count, everyMs }, _meta: { progressToken: 1 } },
      }),
    );
  });
}
