import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository's root: where child processes run, so `tsx` and workspace packages resolve. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** How a TypeScript script runs as one node process, from its source, as `npm start` runs it. */
export const typeScriptArgs = (script: string, args: readonly string[] = []) => [
  "--conditions=gumstack-source",
  "--import",
  "tsx",
  script,
  ...args,
];

/**
 * Runs a TypeScript script as its own process: node itself, with no tsx wrapper in between, so
 * a signal (SIGKILL included) reaches the process doing the work. Only `env` is passed on.
 */
export function spawnTypeScript(
  script: string,
  options: {
    args?: readonly string[];
    env?: Record<string, string>;
    stdio?: SpawnOptions["stdio"];
  } = {},
): ChildProcess {
  return spawn(process.execPath, typeScriptArgs(script, options.args), {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
  });
}
