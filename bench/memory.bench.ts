// `npm run bench:memory`: the platform's resident memory idle, and with the three examples
// running (each a process of its own, started by the platform's runner), and the total. The
// platform is the real entry, apps/platform/src/main.ts as `npm start` runs it, on a fresh data
// folder, driven over its HTTP API as the first admin with the password it writes on first start.
// It is measured idle twice: after that first start, and after a restart on the same folder (what
// every later start looks like); the examples are then deployed on the restarted platform.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { firstAdminFile } from "@gumstack/platform";
// The OAuth package's test provider, by path: the root package does not depend on @gumstack/oauth.
import { startTestAuthServer, type TestAuthServer } from "../packages/oauth/src/testing/index.js";
import { deployExamples, EXAMPLES } from "./memory/examples.js";
import { type PlatformProcess, startPlatformProcess } from "./memory/platform-process.js";
import { footprintOf, serverProcessesOf, treeFootprintOf } from "./memory/process-tree.js";
import { footprintTable, mib, total } from "./memory/report.js";
import { PlatformApi } from "./shared/platform-api.js";
import { environmentVariable, statusKiB } from "./shared/proc.js";

// Every figure is read this long after the step before it, once start-up work has quietened.
const SETTLE_MS = 5_000;

/** The first admin the platform made on its first start: not a terminal, so it is in a file. */
function firstAdmin(dataDir: string, output: string): { email: string; password: string } {
  const file = firstAdminFile(dataDir);
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const email = /^email: (\S+)$/m.exec(text)?.[1];
  const password = /^password: (\S+)$/m.exec(text)?.[1];
  if (!email || !password)
    throw new Error(`the platform wrote no first admin to ${file}:\n${output}`);
  return { email, password };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "gumstack-bench-memory-"));
  const env: Record<string, string> = {
    GUMSTACK_HOST: "127.0.0.1",
    GUMSTACK_PORT: "0",
    GUMSTACK_DATA_DIR: join(tmp, "data"),
  };
  for (const name of ["DATABASE_URL", "GUMSTACK_VAULT_KEYS"]) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  let platform: PlatformProcess | undefined;
  let provider: TestAuthServer | undefined;
  try {
    platform = await startPlatformProcess(env);
    await sleep(SETTLE_MS);
    const first = footprintOf("platform, idle after its first start", platform.pid);
    const firstPeak = statusKiB(platform.pid, "VmHWM");
    const admin = firstAdmin(env.GUMSTACK_DATA_DIR as string, platform.output());
    await platform.stop();

    const startedAt = performance.now();
    platform = await startPlatformProcess(env);
    const startSeconds = (performance.now() - startedAt) / 1000;
    const { pid } = platform;
    await sleep(SETTLE_MS);
    const idle = footprintOf("platform, idle after a restart", pid);

    const api = new PlatformApi(platform.url);
    await api.signIn("sign-in", admin);
    provider = await startTestAuthServer({ redirectUris: [`${platform.url}/auth/callback`] });
    const notes = await deployExamples(api, provider);
    await sleep(SETTLE_MS);

    const servers = serverProcessesOf(pid);
    if (
      servers.length !== EXAMPLES.length ||
      EXAMPLES.some((name) => !servers.some((s) => s.name === name))
    ) {
      throw new Error(
        `expected one process per example under the platform: ${JSON.stringify(servers)}`,
      );
    }
    // The runner hands each server the platform's public URL, for its credentials API.
    const told = new Set(servers.map((s) => environmentVariable(s.pid, "GUMSTACK_PLATFORM_URL")));
    if (told.size !== 1 || !told.has(platform.url)) {
      notes.push(
        `NOTE: the servers were given GUMSTACK_PLATFORM_URL=${[...told].join(", ")}, but the platform listens on ${platform.url}`,
      );
    }
    const busy = footprintOf("platform, 3 servers running", pid);
    const serverFootprints = EXAMPLES.map((name) =>
      treeFootprintOf(name, servers.find((s) => s.name === name)?.pid as number),
    );
    const serversTotal = total("the 3 servers", serverFootprints);
    process.stdout.write(
      `node ${process.version}, ${availableParallelism()} cores; apps/platform/src/main.ts on ` +
        `${env.DATABASE_URL ? "Postgres" : "embedded PGlite"}, listening ${startSeconds.toFixed(1)} s after a restart\n` +
        `each figure read ${SETTLE_MS / 1000} s after the step before it; RSS: VmRSS of /proc/<pid>/status; ` +
        "PSS: /proc/<pid>/smaps_rollup, pages shared between processes (node's own code) split between them\n" +
        `peak RSS (VmHWM) of the platform: ${mib(firstPeak)} MiB during its first start, ` +
        `${mib(statusKiB(pid, "VmHWM"))} MiB since the restart\n\n` +
        `${notes.join("\n")}\n\n` +
        `${footprintTable([
          first,
          idle,
          busy,
          ...serverFootprints,
          total("total: platform + 3 servers", [busy, ...serverFootprints]),
          serversTotal,
        ])}\n\n` +
        `with 3 servers the platform's RSS changed by ${mib(busy.rssKiB - idle.rssKiB)} MiB; ` +
        `a server process averages ${mib(serversTotal.rssKiB / EXAMPLES.length)} MiB RSS, ` +
        `${mib(serversTotal.pssKiB / EXAMPLES.length)} MiB PSS\n`,
    );
  } finally {
    await provider?.close();
    await platform?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
