import { table } from "../shared/table.js";
import { meanOf, type Round } from "./rounds.js";

export const TARGET_ADDED_P50_MS = 1;
export const TARGET_THROUGHPUT_RATIO = 0.6;

const HEADER = ["calls/s", "p50 ms", "p99 ms", "CPU ms per 1k calls: bench", "platform", "hosted"];

const cells = (label: string, r: Round) => [
  label,
  Math.round(r.measured.callsPerSecond).toLocaleString("en-US"),
  r.measured.p50.toFixed(2),
  r.measured.p99.toFixed(2),
  r.cpu.bench.toFixed(0),
  r.cpu.platform.toFixed(0),
  r.cpu.hosted.toFixed(0),
];

/** Every round, then the mean of each route's rounds. */
export function roundsTable(rounds: readonly Round[]): string {
  const direct = meanOf(rounds, "direct");
  const gateway = meanOf(rounds, "gateway");
  return (
    `${table(
      ["round", ...HEADER],
      rounds.map((r, i) => cells(`${i + 1} ${r.route}`, r)),
    )}\n` + `${table(["mean", ...HEADER], [cells("direct", direct), cells("gateway", gateway)])}\n`
  );
}

/** The comparison with the issue's targets, from the rounds under load. */
export function verdict(rounds: readonly Round[]): string {
  const direct = meanOf(rounds, "direct").measured;
  const gateway = meanOf(rounds, "gateway").measured;
  const addedP50 = gateway.p50 - direct.p50;
  const ratio = gateway.callsPerSecond / direct.callsPerSecond;
  const p50Met = addedP50 <= TARGET_ADDED_P50_MS;
  const ratioMet = ratio >= TARGET_THROUGHPUT_RATIO;
  const met = (ok: boolean) => (ok ? "met" : "NOT MET");
  return (
    `added p50 (gateway - direct): ${addedP50.toFixed(2)} ms   ` +
    `target <= ${TARGET_ADDED_P50_MS.toFixed(2)} ms: ${met(p50Met)}\n` +
    `calls/s (gateway / direct):   ${ratio.toFixed(2)}      ` +
    `target >= ${TARGET_THROUGHPUT_RATIO.toFixed(2)}: ${met(ratioMet)}\n` +
    `added p99 (gateway - direct): ${(gateway.p99 - direct.p99).toFixed(2)} ms   (no target)\n`
  );
}

/** What one call adds with nothing queued: the single-connection rounds. */
export function serialSummary(rounds: readonly Round[]): string {
  const direct = meanOf(rounds, "direct").measured;
  const gateway = meanOf(rounds, "gateway").measured;
  return `added p50 with one connection: ${(gateway.p50 - direct.p50).toFixed(2)} ms (no target)\n`;
}
