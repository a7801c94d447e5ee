// The platform's process and the server processes its runner started, found through /proc (the
// API does not give pids), each with everything it started in turn.
import { childrenOf, commandLine, pssKiB, statusKiB } from "../shared/proc.js";

export interface Footprint {
  label: string;
  /** Undefined for a sum of several. */
  pid: number | undefined;
  /** Processes counted: this one and its descendants. */
  processes: number;
  rssKiB: number;
  pssKiB: number;
}

/** The process and its descendants, depth first. */
function treeOf(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(treeOf)];
}

/** Memory of the process alone (not its children). */
export function footprintOf(label: string, pid: number): Footprint {
  return { label, pid, processes: 1, rssKiB: statusKiB(pid, "VmRSS"), pssKiB: pssKiB(pid) };
}

/** Memory of the process with everything it started (a helper process would count here). */
export function treeFootprintOf(label: string, pid: number): Footprint {
  const pids = treeOf(pid);
  return {
    label,
    pid,
    processes: pids.length,
    rssKiB: pids.reduce((sum, p) => sum + statusKiB(p, "VmRSS"), 0),
    pssKiB: pids.reduce((sum, p) => sum + pssKiB(p), 0),
  };
}

/**
 * The platform's direct children, each named by the server folder in its command line
 * (`apps/<name>/…`), or by its command when it is not a server.
 */
export function serverProcessesOf(platformPid: number): { name: string; pid: number }[] {
  return childrenOf(platformPid).map((pid) => {
    const command = commandLine(pid);
    const name = /apps\/([a-z0-9-]+)\//.exec(command)?.[1] ?? command.slice(0, 60);
    return { name, pid };
  });
}
