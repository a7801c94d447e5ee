import { table } from "../shared/table.js";
import type { Footprint } from "./process-tree.js";

export const mib = (kib: number) => (kib / 1024).toFixed(1);

export const total = (label: string, footprints: readonly Footprint[]): Footprint => ({
  label,
  pid: undefined,
  processes: footprints.reduce((n, f) => n + f.processes, 0),
  rssKiB: footprints.reduce((n, f) => n + f.rssKiB, 0),
  pssKiB: footprints.reduce((n, f) => n + f.pssKiB, 0),
});

export function footprintTable(footprints: readonly Footprint[]): string {
  return table(
    ["", "pid", "processes", "RSS MiB", "PSS MiB"],
    footprints.map((f) => [
      f.label,
      f.pid === undefined ? "" : String(f.pid),
      String(f.processes),
      mib(f.rssKiB),
      mib(f.pssKiB),
    ]),
  );
}
