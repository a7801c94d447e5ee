#!/usr/bin/env node
// The only entry point the README needs: `npm start` and `npm test` work on a machine that has
// Node 20 and npm but no pnpm. It installs the workspace with the pinned pnpm (through npx) when
// node_modules is missing or older than the lockfile, then runs the task with the local binaries.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const bin = join(root, "node_modules", ".bin");

/**
 * Runs a command and resolves with its exit code. A signal this process gets (Ctrl-C, or a
 * SIGTERM from `timeout`, systemd or docker) is passed on to it, and this process waits for it
 * to end: the platform then shuts down cleanly instead of being left running without a parent.
 */
function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: "inherit",
      env: {
        ...process.env,
        // Nothing leaves this machine: no usage reports from turbo.
        TURBO_TELEMETRY_DISABLED: "1",
        DO_NOT_TRACK: "1",
        ...env,
        PATH: `${bin}:${process.env.PATH}`,
      },
    });
    const forward = (signal) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      for (const name of FORWARDED) process.off(name, forward);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];

function installed() {
  // pnpm keeps a copy of the lockfile it installed from; equal files mean node_modules is current.
  const current = join(root, "node_modules", ".pnpm", "lock.yaml");
  if (!existsSync(current)) return false;
  return readFileSync(current, "utf8") === readFileSync(join(root, "pnpm-lock.yaml"), "utf8");
}

async function ensureInstalled() {
  if (installed()) return;
  const pnpm = existsSync(join(bin, "pnpm")) ? "pnpm" : null;
  const code = pnpm
    ? await run(pnpm, ["install", "--frozen-lockfile"])
    : await run("npx", ["--yes", packageManager, "install", "--frozen-lockfile"]);
  if (code !== 0) process.exit(code);
}

// Workspace packages run from their TypeScript source (see "exports" in their package.json).
const SOURCE = "--conditions=gumstack-source";

const tasks = {
  start: () => run("node", ["scripts/start-all.mjs"]),
  test: async () => {
    const checks = await run("turbo", ["run", "typecheck", "lint", "--output-logs=errors-only"]);
    if (checks !== 0) return checks;
    // The benchmarks and scripts belong to no package: checked here.
    const root =
      (await run("tsc", ["-p", "tsconfig.json"])) ||
      (await run("biome", [
        "check",
        "--error-on-warnings",
        "bench",
        "scripts",
        "vitest.config.ts",
      ]));
    if (root !== 0) return root;
    return run("vitest", ["run", ...process.argv.slice(3)]);
  },
  gumstack: () => run("tsx", [SOURCE, "apps/platform/src/cli.ts", ...process.argv.slice(3)]),
};

await ensureInstalled();
const [task, ...rest] = process.argv.slice(2);
const code = await (task && task in tasks ? tasks[task]() : run(task ?? "true", rest));
process.exit(code);
