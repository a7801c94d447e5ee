import { readdirSync, readFileSync } from "node:fs";

/**
 * Resident memory of each process and every process below it, in bytes, from /proc (Linux),
 * reading the process table once for all of them. A sandboxed server is a tree (bwrap, the
 * bridge, `npx`, the server): the tree is what it costs. Undefined where /proc cannot be read.
 */
export function processMemory(pids: readonly number[]): Map<number, number> | undefined {
  let parents: Map<number, number[]>;
  try {
    parents = childrenByParent();
  } catch (error) {
    if (isGone(error)) return undefined; // no /proc here
    throw error;
  }
  return new Map(pids.map((pid) => [pid, treeMemory(pid, parents)]));
}

function treeMemory(pid: number, parents: ReadonlyMap<number, number[]>): number {
  let total = 0;
  const queue = [pid];
  for (let at = 0; at < queue.length && at < 10_000; at++) {
    const current = queue[at] as number;
    total += residentBytes(current);
    queue.push(...(parents.get(current) ?? []));
  }
  return total;
}

function childrenByParent(): Map<number, number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    // The command may hold spaces and parentheses: the fields after the last ")" are fixed.
    const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
    const parent = Number(fields?.[1]);
    if (!Number.isInteger(parent)) continue;
    const children = parents.get(parent);
    if (children) children.push(Number(entry));
    else parents.set(parent, [Number(entry)]);
  }
  return parents;
}

function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? "");
  return match ? Number(match[1]) * 1024 : 0;
}

/** A process may end while it is read: that is not an error, it just counts for nothing. */
function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

const isGone = (error: unknown) =>
  ["ENOENT", "ESRCH"].includes((error as NodeJS.ErrnoException | undefined)?.code ?? "");
