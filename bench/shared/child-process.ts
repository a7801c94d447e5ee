// Starting and stopping a bench server process: node with tsx, from the repository's root. The
// child says where it listens with one READY line (bench/host/child.ts); every other line it
// prints is passed on to stderr, prefixed with its name. It exits when its stdin closes, so it
// never outlives this process.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { READY_PREFIX } from "../host/child.js";

const STOP_TIMEOUT_MS = 10_000;

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface Started<T> {
  child: ChildProcess;
  ready: T;
}

/**
 * Runs `script` (relative to the repository's root) and resolves with its READY announcement,
 * narrowed by `parse` (undefined: not what was expected). Rejects if it exits or stays silent
 * for `timeoutMs`.
 */
export function startChild<T>(options: {
  name: string;
  script: string;
  args?: readonly string[];
  /** The checkout to run it in (default: this one). */
  cwd?: string;
  timeoutMs: number;
  parse: (value: unknown) => T | undefined;
}): Promise<Started<T>> {
  const { name } = options;
  const child = spawn(
    process.execPath,
    ["--conditions=gumstack-source", "--import", "tsx", options.script, ...(options.args ?? [])],
    { cwd: options.cwd ?? repoRoot, stdio: ["pipe", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name}: not ready after ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name}: the process exited (${signal ?? code}) before it was ready`));
    });
    createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on(
      "line",
      (line) => {
        if (!line.startsWith(READY_PREFIX)) {
          process.stderr.write(`[${name}] ${line}\n`);
          return;
        }
        clearTimeout(timer);
        const ready = options.parse(JSON.parse(line.slice(READY_PREFIX.length)));
        if (ready !== undefined) {
          resolve({ child, ready });
          return;
        }
        child.kill("SIGKILL");
        reject(new Error(`${name}: announced ${line}`));
      },
    );
  });
}

/** Closes the child's stdin (its signal to shut down) and kills it if it has not exited in 10 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * The hosted process runs in a process group of its own, so a platform killed before it could
 * stop it would leave it behind: it was started for this run, so it goes.
 */
export function killIfAlive(pid: number, name: string): void {
  try {
    process.kill(pid, 0);
  } catch {
    return;
  }
  process.stderr.write(`${name} (pid ${pid}) outlived the platform: killing it\n`);
  process.kill(pid, "SIGKILL");
}
