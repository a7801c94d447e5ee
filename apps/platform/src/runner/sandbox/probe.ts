import { spawnSync } from "node:child_process";
import { accessSync, constants, realpathSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { PROCESS_FLAGS, systemArgs } from "./bwrap-args.js";

// Starting an empty sandbox takes milliseconds; this only bounds a bwrap that hangs.
const PROBE_TIMEOUT_MS = 10_000;

export type Probe = { ok: true; bwrap: string } | { ok: false; problem: string };

/**
 * Whether bwrap can sandbox a server here: found (a bare name is looked up on `searchPath`),
 * and able to start node in a sandbox made as a server's is. Installed but unable is common in
 * containers that forbid user namespaces; bwrap's own words say which.
 */
export function probeBwrap(bwrap: string, searchPath: string | undefined): Probe {
  const path = isAbsolute(bwrap)
    ? executable(bwrap)
      ? bwrap
      : undefined
    : findOnPath(bwrap, searchPath);
  if (path === undefined) {
    return {
      ok: false,
      problem: isAbsolute(bwrap)
        ? `bwrap is not installed (no program at ${bwrap})`
        : `bwrap is not installed (no ${bwrap} on the PATH)`,
    };
  }
  const run = spawnSync(
    path,
    [...PROCESS_FLAGS, ...systemArgs(), "--", realpathSync(process.execPath), "--version"],
    { encoding: "utf8", timeout: PROBE_TIMEOUT_MS, stdio: ["ignore", "pipe", "pipe"] },
  );
  if (run.error) return { ok: false, problem: `${path} could not be run: ${run.error.message}` };
  if (run.status !== 0) {
    const said = run.stderr.trim().split("\n")[0] || `exit code ${run.status ?? run.signal}`;
    return { ok: false, problem: `${path} cannot make a sandbox here: ${said}` };
  }
  return { ok: true, bwrap: path };
}

function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  return (searchPath ?? "")
    .split(":")
    .filter(isAbsolute)
    .map((dir) => join(dir, name))
    .find(executable);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
