import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SandboxUnavailableError } from "./errors.js";
import { createLocalRunner } from "./local-runner.js";
import {
  alive,
  descendantsOf,
  mustAcquire,
  recordingLogger,
  scratchFolder,
  tinyServer,
  waitFor,
} from "./testing/helpers.js";
import type { DeploymentSpec, Runner, RunnerOptions } from "./types.js";

// What the platform keeps that no server may see, laid out as the platform lays it out, and a
// server of its own folder next to another server's, all under one scratch folder.
const scratch = scratchFolder();
const platform = {
  dataDir: join(scratch.path, "platform", "data"),
  keyFile: join(scratch.path, "platform", "vault.key"),
};
const own = join(scratch.path, "servers", "own");
const other = join(scratch.path, "servers", "other");
// A data folder inside the server's own folder: hidden too, though the folder is shown.
const nestedData = join(own, ".gumstack", "data");
const secrets = {
  database: join(platform.dataDir, "PG_VERSION"),
  key: platform.keyFile,
  otherServer: join(other, "secret.txt"),
  nested: join(nestedData, "PG_VERSION"),
};
for (const folder of [platform.dataDir, other, nestedData]) mkdirSync(folder, { recursive: true });
for (const [name, file] of Object.entries(secrets)) writeFileSync(file, `secret of ${name}`);
copyFileSync(tinyServer, join(own, "server.mjs"));
writeFileSync(join(own, "hello.txt"), "its own file");
// An example server of this repository: another server's folder, as `npm start` runs them.
const exampleServer = fileURLToPath(
  new URL("../../../example-cred/gumstack.yaml", import.meta.url),
);

// The machine's bwrap, as `npm test` finds it; a test below also points the runner elsewhere.
const bwrapInstalled = spawnSync("bwrap", ["--version"]).status === 0;
const missingBwrap = join(scratch.path, "no-such-bwrap");

let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});
afterAll(() => scratch.remove());

function start(options: Partial<RunnerOptions> = {}) {
  const recorder = recordingLogger();
  runner = createLocalRunner({
    log: recorder.log,
    protectedPaths: [platform.dataDir, platform.keyFile, nestedData],
    ...options,
  });
  return { runner, lines: recorder.lines };
}

function ownSpec(deploymentId: string, env: Record<string, string> = {}): DeploymentSpec {
  return {
    serverId: "srv_own",
    deploymentId,
    entry: join(own, "server.mjs"),
    cwd: own,
    env,
    platformEnv: {},
  };
}

interface ReadResult {
  content?: string;
  entries?: string[];
  error?: string;
}

async function get(r: Runner, path: string): Promise<unknown> {
  const lease = mustAcquire(r, "srv_own");
  try {
    const response = await fetch(`${lease.url}${path}`);
    expect(response.status, path).toBe(200);
    return await response.json();
  } finally {
    lease.release();
  }
}

const read = (r: Runner, path: string) =>
  get(r, `/read?path=${encodeURIComponent(path)}`) as Promise<ReadResult>;

const logged = (lines: string[], level: string, text: string) =>
  lines.some((line) => line.includes(`"level":"${level}"`) && line.includes(text));

/** The fallback, as a runner without a working bwrap must behave: loud, and still serving. */
async function expectLoudFallback(options: Partial<RunnerOptions>) {
  const { runner: r, lines } = start(options);
  expect(logged(lines, "warn", "NO SANDBOX: bwrap is not installed")).toBe(true);
  const info = await r.deploy(ownSpec("dep_fallback"));
  expect(info).toMatchObject({ status: "running", sandboxed: false });
  expect(logged(lines, "warn", "deployment runs UNSANDBOXED")).toBe(true);
  expect(r.logs("dep_fallback")[0]).toMatchObject({
    stream: "stderr",
    text: expect.stringMatching(/^\[gumstack\] WARNING: this server runs UNSANDBOXED \(bwrap/),
  });
  // What the sandbox is for: unsandboxed, the platform's key file is there for the reading.
  expect(await read(r, secrets.key)).toEqual({ content: "secret of key" });
}

if (bwrapInstalled) {
  describe("a sandboxed server", () => {
    it("cannot read the platform's database or key file, or another server's folder", async () => {
      const { runner: r } = start();
      expect(await r.deploy(ownSpec("dep_reads"))).toMatchObject({ sandboxed: true });

      // What it may see, it sees: the test below fails for the sandbox, not for the reader.
      expect(await read(r, join(own, "hello.txt"))).toEqual({ content: "its own file" });
      for (const path of [
        platform.dataDir,
        secrets.database,
        secrets.key,
        other,
        secrets.otherServer,
        exampleServer,
        secrets.nested,
        "/etc/shadow",
        "/root",
      ]) {
        const result = await read(r, path);
        expect(result.content, path).toBeUndefined();
        expect(["ENOENT", "EACCES"], `${path}: ${JSON.stringify(result)}`).toContain(result.error);
      }
      // Its own folder's data folder is there, and empty.
      expect(await read(r, nestedData)).toEqual({ entries: [] });
    });

    it("writes to a temp and a home of its own, and sees exactly its own variables", async () => {
      const { runner: r } = start({ path: "/usr/bin:/bin" });
      const info = await r.deploy(ownSpec("dep_scratch", { OPERATOR_VALUE: "x" }));
      expect(await get(r, "/scratch")).toEqual({
        tmp: { folder: "/tmp", readBack: "written in tmp" },
        home: { folder: "/home/gumstack", readBack: "written in home" },
      });
      // The host's /tmp is not the one it wrote to.
      expect(existsSync("/tmp/tiny-tmp")).toBe(false);
      expect(await get(r, "/env")).toEqual({
        GUMSTACK_HOST: "127.0.0.1",
        GUMSTACK_PORT: String(info.port),
        OPERATOR_VALUE: "x",
        PATH: "/usr/bin:/bin",
      });
    });

    it("takes what it started down with it, even a process in a session of its own", async () => {
      const { runner: r } = start();
      const info = await r.deploy(ownSpec("dep_tree", { FIXTURE_GRANDCHILD: "detached" }));
      await waitFor("the grandchildren to start", () =>
        r.logs("dep_tree").some((line) => line.text === "grandchildren started"),
      );
      const sleepers = descendantsOf(info.pid).filter((p) => p.command === "sleep 1000");
      expect(sleepers).toHaveLength(2);
      for (const sleeper of sleepers) expect(alive(sleeper.pid)).toBe(true);

      await r.stop("srv_own");
      // SIGTERM reached the server, which exited on it; bwrap passed its exit code on.
      expect(r.deployment("dep_tree")).toMatchObject({
        status: "stopped",
        lastExit: { code: 0, signal: null },
      });
      for (const sleeper of sleepers) {
        await waitFor(`sleeper ${sleeper.pid} to be gone`, () => !alive(sleeper.pid), 5_000);
      }
    });
  });
} else {
  describe("without bwrap on this machine", () => {
    it("servers run unsandboxed, and the runner says so loudly", async () => {
      await expectLoudFallback({});
    });
  });
}

describe("where bwrap is missing", () => {
  it("auto falls back to an unsandboxed process, warning at start-up, on deploy and in its log", async () => {
    await expectLoudFallback({ bwrap: missingBwrap });
  });

  it("require refuses to deploy, saying why, and starts nothing", async () => {
    const { runner: r, lines } = start({ bwrap: missingBwrap, sandbox: "require" });
    expect(logged(lines, "error", "the sandbox is required (GUMSTACK_SANDBOX=require)")).toBe(true);
    const refused = r.deploy(ownSpec("dep_refused"));
    await expect(refused).rejects.toBeInstanceOf(SandboxUnavailableError);
    await expect(refused).rejects.toThrow(
      `not starting srv_own: the sandbox is required (GUMSTACK_SANDBOX=require) but unavailable: bwrap is not installed (no program at ${missingBwrap})`,
    );
    expect(r.deployments("srv_own")).toEqual([]);
    expect(r.logs("dep_refused")).toEqual([]);
  });

  it("off runs unsandboxed without looking for bwrap, and says so too", async () => {
    const { runner: r, lines } = start({ bwrap: missingBwrap, sandbox: "off" });
    expect(logged(lines, "warn", "the sandbox is turned off (GUMSTACK_SANDBOX=off)")).toBe(true);
    expect(lines.join("\n")).not.toContain("NO SANDBOX");
    expect(await r.deploy(ownSpec("dep_off"))).toMatchObject({ sandboxed: false });
    expect(r.logs("dep_off")[0]?.text).toContain("runs UNSANDBOXED (the sandbox is turned off");
  });
});
