import { table } from "../shared/table.js";
import { meanOf, type Round } from "./rounds.js";
import type { Floor } from "./routes.js";

// The issue's targets (13): in both modes.
export const TARGET_ADDED_P50_MS = 0.3;
export const TARGET_THROUGHPUT_RATIO = 0.8;
export const TARGET_PLATFORM_CPU_US = 150;

const HEADER = [
  "calls/s",
  "p50 ms",
  "p99 ms",
  "CPU ms per 1k calls: bench",
  "platform",
  "hosted",
  "relay",
];

const cells = (label: string, r: Round) => [
  label,
  Math.round(r.measured.callsPerSecond).toLocaleString("en-US"),
  r.measured.p50.toFixed(2),
  r.measured.p99.toFixed(2),
  r.cpu.bench.toFixed(0),
  r.cpu.platform.toFixed(0),
  r.cpu.hosted.toFixed(0),
  r.cpu.relay === undefined ? "-" : r.cpu.relay.toFixed(0),
];

/** Every round, then the mean of each route's rounds. */
export function roundsTable(rounds: readonly Round[]): string {
  const routes = [...new Set(rounds.map((r) => r.route))];
  return (
    `${table(
      ["round", ...HEADER],
      rounds.map((r, i) => cells(`${i + 1} ${r.route}`, r)),
    )}\n` +
    `${table(
      ["mean", ...HEADER],
      routes.map((route) => cells(route, meanOf(rounds, route))),
    )}\n`
  );
}

/**
 * The comparison with the issue's targets: what a call adds with nothing queued (one
 * connection), throughput under load (10 connections; one connection for reference) and the
 * platform's CPU per relayed call (its user + system time per call in the gateway rounds, less
 * what it spends per call in the direct rounds; both are in the tables).
 */
export function verdict(loaded: readonly Round[], serial: readonly Round[]): string {
  const met = (ok: boolean) => (ok ? "met" : "NOT MET");
  const ratio = (rounds: readonly Round[]) =>
    meanOf(rounds, "gateway").measured.callsPerSecond /
    meanOf(rounds, "direct").measured.callsPerSecond;
  const addedP50 = meanOf(serial, "gateway").measured.p50 - meanOf(serial, "direct").measured.p50;
  // The platform also works for the direct calls (the hosted process reports each tool call
  // to its activity record): what relaying costs is what the gateway rounds add to that.
  const relayCpu = (rounds: readonly Round[]) =>
    meanOf(rounds, "gateway").cpu.platform - meanOf(rounds, "direct").cpu.platform;
  const cpuLoaded = relayCpu(loaded);
  const cpuSerial = relayCpu(serial);
  const loadedRatio = ratio(loaded);
  return (
    `added p50, 1 connection (gateway - direct):  ${addedP50.toFixed(2)} ms   ` +
    `target <= ${TARGET_ADDED_P50_MS.toFixed(2)} ms: ${met(addedP50 <= TARGET_ADDED_P50_MS)}\n` +
    `calls/s gateway / direct, 10 connections:    ${loadedRatio.toFixed(2)}      ` +
    `target >= ${TARGET_THROUGHPUT_RATIO.toFixed(2)}: ${met(loadedRatio >= TARGET_THROUGHPUT_RATIO)}\n` +
    `calls/s gateway / direct, 1 connection:      ${ratio(serial).toFixed(2)}      (no target)\n` +
    `platform CPU per relayed call (gateway rounds - direct rounds), 10 connections: ${cpuLoaded.toFixed(0)} µs   ` +
    `target <= ${TARGET_PLATFORM_CPU_US} µs: ${met(cpuLoaded <= TARGET_PLATFORM_CPU_US)}\n` +
    `platform CPU per relayed call (gateway rounds - direct rounds), 1 connection:   ${cpuSerial.toFixed(0)} µs   ` +
    `target <= ${TARGET_PLATFORM_CPU_US} µs: ${met(cpuSerial <= TARGET_PLATFORM_CPU_US)}\n` +
    `added p99, 10 connections: ${(meanOf(loaded, "gateway").measured.p99 - meanOf(loaded, "direct").measured.p99).toFixed(2)} ms   (no target)\n` +
    floorsLine(loaded, cpuLoaded, "10 connections") +
    floorsLine(serial, cpuSerial, "1 connection  ")
  );
}

/**
 * What relaying costs on this machine before any of the gateway's own work (floors.ts), beside
 * what the gateway's costs: the floors' relay process per call, against the platform's per
 * relayed call. Absolute CPU per call moves two or three times from one machine to the next;
 * this ratio is what compares across machines.
 */
function floorsLine(rounds: readonly Round[], gatewayCpu: number, label: string): string {
  const relayCpu = (floor: Floor) => meanOf(rounds, floor).cpu.relay ?? Number.NaN;
  const node = relayCpu("node relay");
  return (
    `relay CPU per call, ${label}: node relay ${node.toFixed(0)} µs, byte pipe ${relayCpu("byte pipe").toFixed(0)} µs; ` +
    `the gateway's ${gatewayCpu.toFixed(0)} µs is ${(gatewayCpu / node).toFixed(2)}x the node relay's   (no target)\n`
  );
}
