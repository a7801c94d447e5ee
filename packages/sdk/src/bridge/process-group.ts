import { readdirSync, readFileSync } from "node:fs";

/** Sends `signal` to every process of a group; false when none is left to get it. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * Whether a process of the group still runs. On Linux, read from /proc, leaving zombies out (a
 * grandchild that exited waits there for whoever adopted it to reap it, and runs nothing);
 * elsewhere, whether the group takes a signal at all.
 */
export function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return signalGroup(pgid, 0);
  }
  return pids.some((pid) => {
    const stat = readStat(pid);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== "Z";
  });
}

function readStat(pid: string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    // Gone between the listing and the read.
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", pgrp: Number(fields[2]) };
}

/**
 * Stops a whole process group (a command such as `npx` starts children of its own): SIGTERM,
 * then SIGKILL to whatever is left after `graceMs`. Resolves once none of it runs, or, should
 * even SIGKILL not end it (a process stuck in the kernel), after a last second.
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<"exited" | "killed"> {
  if (!signalGroup(pgid, "SIGTERM")) return "exited";
  if (await gone(pgid, graceMs)) return "exited";
  signalGroup(pgid, "SIGKILL");
  await gone(pgid, 1_000);
  return "killed";
}

async function gone(pgid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
