// `npm run bench:gateway`: what the platform's gateway adds to a tool call. The same tools/call
// (example-none's forecast) goes through `/mcp/example-none` (API key checked, server looked up,
// context signed, request and reply streamed through) and straight to the hosted process (with a
// context this bench signs as the gateway does), in the same run; and, for scale, through two
// relays that do nothing else (gateway/floors.ts). The platform, the hosted process its runner
// starts and the floors' relays run in processes of their own; autocannon runs in this one.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import {
  type FloorsReady,
  type GatewayReady,
  parseFloorsReady,
  parseGatewayReady,
} from "./gateway/ready.js";
import { roundsTable, verdict } from "./gateway/report.js";
import { measureRound, type Round } from "./gateway/rounds.js";
import {
  checkRoutes,
  FLOORS,
  floorRoutes,
  MODES,
  type Mode,
  PROTOCOL_VERSION,
  type Route,
  routesTo,
} from "./gateway/routes.js";
import { killIfAlive, type Started, startChild, stopChild } from "./shared/child-process.js";
import { CONNECTIONS, load, type Target } from "./shared/load.js";

const WARM_UP_SECONDS = 3;
const ROUND_SECONDS = 10;
// One connection, nothing queued: what a call pays, apart from how calls queue up under load.
const SERIAL_ROUND_SECONDS = 5;
const START_TIMEOUT_MS = 120_000;
// Alternating, so neither side always runs first or last (on a warmer or more fragmented heap);
// the floors, for scale, once each between the gateway's rounds.
const ROUNDS: readonly Route[] = [
  "direct",
  "gateway",
  "node relay",
  "byte pipe",
  "gateway",
  "direct",
];

async function main(): Promise<void> {
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(PROTOCOL_VERSION)) {
    throw new Error(`the SDK does not support protocol version ${PROTOCOL_VERSION}`);
  }
  const tmp = mkdtempSync(join(tmpdir(), "gumstack-bench-gateway-"));
  let platform: Started<GatewayReady> | undefined;
  let floors: Started<FloorsReady> | undefined;
  try {
    const startedAt = Date.now();
    platform = await startChild({
      name: "platform",
      script: "bench/gateway/platform-server.ts",
      args: [join(tmp, "data")],
      timeoutMs: START_TIMEOUT_MS,
      parse: parseGatewayReady,
    });
    const ready = platform.ready;
    const setUpSeconds = (Date.now() - startedAt) / 1000;
    floors = await startChild({
      name: "floors",
      script: "bench/gateway/floors.ts",
      args: [ready.directUrl],
      timeoutMs: START_TIMEOUT_MS,
      parse: parseFloorsReady,
    });
    process.stdout.write(
      `node ${process.version}, ${availableParallelism()} cores, shared by the load generator, the platform and the hosted process\n` +
        `platform: startPlatform (as npm start runs it), database ${ready.driver}, log level warn; set up in ${setUpSeconds.toFixed(1)} s\n` +
        `request: tools/call forecast {"city":"Oslo"} on example-none, MCP protocol ${PROTOCOL_VERSION}; every reply checked, the same reply both ways\n` +
        "direct:  the hosted process's own /mcp, with a context signed here per request as the gateway signs one\n" +
        "gateway: /mcp/example-none on the platform, Authorization: Bearer <API key>\n" +
        "node relay: the direct request through node:http's server and a keep-alive http.Agent, nothing else done\n" +
        "byte pipe:  the direct request through a TCP pipe (a connection upstream per client connection, no HTTP parsed)\n" +
        "CPU: user + system time of each process during the round, per 1,000 calls (bench = autocannon);\n" +
        "     the platform's per 1,000 calls in ms is its CPU per relayed call in µs; relay = the floors' process\n" +
        `autocannon in this process, pipelining 1; per mode ${WARM_UP_SECONDS} s warm-up each way, then ` +
        `${ROUNDS.length} rounds of ${ROUND_SECONDS} s at ${CONNECTIONS} connections and ${ROUNDS.length} of ` +
        `${SERIAL_ROUND_SECONDS} s at 1 connection: ${ROUNDS.join(", ")}\n`,
    );
    for (const mode of MODES) process.stdout.write(await measureMode(ready, floors.ready, mode));
  } finally {
    if (floors) await stopChild(floors.child);
    if (platform) {
      await stopChild(platform.child);
      killIfAlive(platform.ready.hostedPid, "example-none");
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

const MODE_LINE: Record<Mode, string> = {
  JSON: "JSON mode: the client accepts application/json only; the reply is one JSON body",
  SSE: "SSE mode: the client accepts JSON and SSE (as the SDK's client does); the hosted process answers with an SSE stream",
};

/** Both routes checked, warmed up, then measured in alternating rounds; the report for the mode. */
async function measureMode(ready: GatewayReady, floors: FloorsReady, mode: Mode): Promise<string> {
  const checked = routesTo(ready, mode);
  await checkRoutes(checked, mode);
  const routes: Record<Route, Target> = { ...checked, ...floorRoutes(checked.direct, floors) };
  for (const route of ["direct", "gateway", ...FLOORS] as const) {
    await load(routes[route], WARM_UP_SECONDS);
  }
  const measure = async (seconds: number, connections: number) => {
    const rounds: Round[] = [];
    for (const route of ROUNDS) {
      const relayPid = (FLOORS as readonly Route[]).includes(route) ? floors.pid : undefined;
      rounds.push(
        await measureRound(route, routes[route], {
          seconds,
          connections,
          ready,
          ...(relayPid === undefined ? {} : { relayPid }),
        }),
      );
    }
    return rounds;
  };
  const loaded = await measure(ROUND_SECONDS, CONNECTIONS);
  const serial = await measure(SERIAL_ROUND_SECONDS, 1);
  return (
    `\n== ${MODE_LINE[mode]}\n` +
    `${CONNECTIONS} connections:\n${roundsTable(loaded)}\n` +
    `1 connection:\n${roundsTable(serial)}\n${verdict(loaded, serial)}`
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
