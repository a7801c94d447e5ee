// The hosted server of the gateway's tests (gateway/*.integration.test.ts), run by the real runner
// as its own process. Its tools:
//   steps { count }        `count` progress notifications and log messages, each sent only once
//                          the client has called `ack` for the one before: proof that each event
//                          crossed the gateway while the tool was still running
//   ack                    lets `steps` go on
//   ask                    asks the client a question (form elicitation), answers with its reply
//   headers                the request headers the tool saw, as JSON
//   announce               has the server send tools/list_changed, outside any request
//   flood { count, size }  `count` progress notifications of `size` bytes each, as fast as it can;
//                          prints "flood started", and "flood sent <count>" once the last is
//                          handed to the transport
//   pulse { count, everyMs } `count` progress notifications, `everyMs` apart, each carrying the
//                          moment it was sent (performance.timeOrigin + now(), ms) as its
//                          message: for bench/streaming.bench.ts
//   hang                   prints "hang started", waits until its request is cancelled, then
//                          prints "hang aborted"
import { fileURLToPath } from "node:url";
import { GumstackHost } from "@gumstack/sdk";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ElicitResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const MAX_STEPS = 100;
const MAX_FLOOD = 20_000;
const MAX_SIZE = 16 * 1024;
// No tool waits forever: a test that breaks gets its answer, not a hang.
const MAX_WAIT_MS = 20_000;

const mcp = new McpServer(
  { name: "streaming", version: "1.0.0" },
  { capabilities: { logging: {} } },
);
const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] });

let acked: () => void = () => {};
const nextAck = () =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no ack")), MAX_WAIT_MS);
    acked = () => {
      clearTimeout(timer);
      resolve();
    };
  });

mcp.registerTool(
  "steps",
  { inputSchema: { count: z.number().int().min(1).max(MAX_STEPS) } },
  async ({ count }, extra) => {
    const token = extra._meta?.progressToken;
    for (let step = 1; step <= count; step++) {
      const ack = nextAck();
      if (token !== undefined) {
        await extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken: token, progress: step, total: count },
        });
      }
      await extra.sendNotification({
        method: "notifications/message",
        params: { level: "info", data: `step ${step}` },
      });
      await ack;
    }
    return text(`${count} steps`);
  },
);

mcp.registerTool("ack", {}, () => {
  acked();
  return text("ok");
});

mcp.registerTool("ask", {}, async (extra) => {
  const answer = await extra.sendRequest(
    {
      method: "elicitation/create",
      params: {
        message: "Which colour?",
        requestedSchema: {
          type: "object",
          properties: { colour: { type: "string" } },
          required: ["colour"],
        },
      },
    },
    ElicitResultSchema,
  );
  return text(
    answer.action === "accept" ? `colour: ${String(answer.content?.colour)}` : answer.action,
  );
});

mcp.registerTool("headers", {}, (extra) => text(JSON.stringify(extra.requestInfo?.headers ?? {})));

// Sent from a timer made at start-up, outside every request: what the router sends to every
// session's GET stream.
let announce = false;
setInterval(() => {
  if (!announce) return;
  announce = false;
  mcp.sendToolListChanged();
}, 20).unref();
mcp.registerTool("announce", {}, () => {
  announce = true;
  return text("soon");
});

mcp.registerTool(
  "flood",
  {
    inputSchema: {
      count: z.number().int().min(1).max(MAX_FLOOD),
      size: z.number().int().min(1).max(MAX_SIZE),
    },
  },
  async ({ count, size }, extra) => {
    const token = extra._meta?.progressToken ?? "flood";
    const padding = "x".repeat(size);
    process.stdout.write("flood started\n");
    for (let progress = 1; progress <= count; progress++) {
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress, total: count, message: padding },
      });
    }
    process.stdout.write(`flood sent ${count}\n`);
    return text(`flooded ${count}`);
  },
);

mcp.registerTool(
  "pulse",
  {
    inputSchema: {
      count: z.number().int().min(1).max(MAX_FLOOD),
      everyMs: z.number().min(0).max(1_000),
    },
  },
  async ({ count, everyMs }, extra) => {
    const token = extra._meta?.progressToken ?? "pulse";
    for (let progress = 1; progress <= count; progress++) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      const sentAt = performance.timeOrigin + performance.now();
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress, total: count, message: String(sentAt) },
      });
    }
    return text(`pulsed ${count}`);
  },
);

mcp.registerTool("hang", {}, async (extra) => {
  process.stdout.write("hang started\n");
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, MAX_WAIT_MS);
    extra.signal.addEventListener("abort", () => {
      clearTimeout(timer);
      process.stdout.write("hang aborted\n");
      resolve();
    });
  });
  return text("hung");
});

const host = new GumstackHost(mcp, fileURLToPath(new URL("gumstack.yaml", import.meta.url)));
await host.run();
