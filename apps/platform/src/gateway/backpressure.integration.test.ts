import { type IncomingMessage, request } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { testDriver } from "@gumstack/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOTH, type StreamingPlatform, streamingPlatform } from "./testing/streaming-platform.js";

const FLOOD = 10_000;
const EVENT_BYTES = 4 * 1024;
// About 40 MiB leave the server while the client reads nothing. What the kernel's socket
// buffers hold on loopback is a few MiB; a gateway that buffered would hold the rest.
const GROWTH_BOUND = 8 * 1024 * 1024;
const SAMPLES = 20;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/** What this process (the platform, its gateway) holds after a full collection. */
const held = () => {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** A tools/call through the gateway over node:http, so the test decides when the body is read. */
function callTool(
  at: StreamingPlatform,
  name: string,
  args: Record<string, unknown>,
  accept: string,
): { response: Promise<IncomingMessage>; hangUp: () => void } {
  const req = request(at.mcpUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${at.adminKey}`, "content-type": "application/json", accept },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once("error", reject);
    req.once("response", resolve);
  });
  req.end(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: args, _meta: { progressToken: "p" } },
    }),
  );
  return { response, hangUp: () => req.destroy() };
}

/** Streams must not pile up at the gateway, and a client leaving must reach the tool. */
describe(`the gateway under a fast server and a slow or vanishing client [${testDriver}]`, () => {
  let at: StreamingPlatform;

  beforeAll(async () => {
    at = await streamingPlatform();
  });
  afterAll(async () => {
    await at?.close();
  });

  it(`holds ${FLOOD.toLocaleString("en-US")} progress notifications back at the server while the client reads nothing, then delivers them all`, async () => {
    const before = held();
    const res = await callTool(at, "flood", { count: FLOOD, size: EVENT_BYTES }, BOTH).response;
    res.pause();
    expect(res.headers["content-type"]).toBe("text/event-stream");
    expect(res.headers["x-accel-buffering"]).toBe("no");
    await at.printed(/^flood started$/);
    // The flood runs into a client that reads nothing: sampled while whatever could flow flows.
    let most = 0;
    for (let i = 0; i < SAMPLES; i++) {
      most = Math.max(most, held() - before);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(most).toBeLessThan(GROWTH_BOUND);
    // Held back at the server: its tool waits in sendNotification (40 MB would not fit the
    // sockets and buffers between), rather than the hosted process holding what it sent.
    await expect(at.printed(new RegExp(`^flood sent ${FLOOD}$`), 1, 0)).rejects.toThrow();

    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      body += chunk;
    });
    res.resume();
    await new Promise((resolve) => res.once("end", resolve));
    expect(body.split('"method":"notifications/progress"').length - 1).toBe(FLOOD);
    expect(body).toContain(`flooded ${FLOOD}`);
    await at.printed(new RegExp(`^flood sent ${FLOOD}$`));
  });

  it("cancels the tool when its client hangs up mid-stream (SSE) and while it waits (JSON)", async () => {
    // SSE: the stream's head is out at once, then the client goes.
    const streamed = callTool(at, "hang", {}, BOTH);
    const res = await streamed.response;
    expect(res.headers["content-type"]).toBe("text/event-stream");
    await at.printed(/^hang started$/, 1);
    streamed.hangUp();
    await at.printed(/^hang aborted$/, 1);
    // JSON: no head until the result; the client goes while the tool runs.
    const whole = callTool(at, "hang", {}, "application/json");
    const failed = whole.response.then(
      () => "answered",
      () => "hung up",
    );
    await at.printed(/^hang started$/, 2);
    whole.hangUp();
    await at.printed(/^hang aborted$/, 2);
    expect(await failed).toBe("hung up");
  });
});
