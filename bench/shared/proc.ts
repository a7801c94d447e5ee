// What Linux says about a process, from /proc: CPU time, memory, children. Read-only.
import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat, 100 on every mainstream Linux ABI.
const TICKS_PER_SECOND = 100;

/** User plus system CPU time of the whole process (all its threads), in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the line, so 11 and 12 after the name and state.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU of a process and everything under it, in milliseconds: a server's pid may be its sandbox's
 * bubblewrap, or a proxy with the server as its child.
 */
export function treeCpuMs(pid: number): number {
  let total = 0;
  const pending = [pid];
  // Bounded: a process tree here is a few processes deep.
  for (let i = 0; i < pending.length && i < 64; i++) {
    const at = pending[i] as number;
    total += cpuMs(at);
    pending.push(...childrenOf(at));
  }
  return total;
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM, RssAnon…), in KiB. */
export function statusKiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/** Proportional set size (shared pages split between the processes mapping them), in KiB. */
export function pssKiB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const match = /^Pss:\s+(\d+) kB$/m.exec(rollup);
  if (!match?.[1]) throw new Error(`/proc/${pid}/smaps_rollup has no Pss`);
  return Number(match[1]);
}

/** The process's direct children, from every thread's children list. */
export function childrenOf(pid: number): number[] {
  const children = new Set<number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let list: string;
    try {
      list = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8");
    } catch {
      continue; // the thread ended while we read
    }
    for (const child of list.split(" ").filter(Boolean)) children.add(Number(child));
  }
  return [...children];
}

/** The command line, arguments joined by spaces. */
export function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
}

/** One variable of the environment the process was started with (only that one is read out). */
export function environmentVariable(pid: number, name: string): string | undefined {
  const prefix = `${name}=`;
  return readFileSync(`/proc/${pid}/environ`, "utf8")
    .split("\0")
    .find((entry) => entry.startsWith(prefix))
    ?.slice(prefix.length);
}
