import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLocalRunner } from "./local-runner.js";
import {
  alive,
  apiKeyOf,
  callTool,
  fixtureSpec,
  mustAcquire,
  recordingLogger,
  scratchFolder,
  tinySpec,
  waitFor,
} from "./testing/helpers.js";
import type { Runner } from "./types.js";

const scratch = scratchFolder();
let runner: Runner | undefined;

afterEach(async () => {
  await runner?.close();
});
afterAll(() => scratch.remove());

/** Whether the gateway would answer 503 right now (a lease taken to look is given back). */
function unavailable(r: Runner, serverId: string): boolean {
  const lease = r.acquire(serverId);
  lease?.release();
  return lease === undefined;
}

describe("a crashed deployment", () => {
  it("is restarted and serves again", async () => {
    const { log, lines } = recordingLogger();
    const r = createLocalRunner({ log, restartBackoff: { baseMs: 200, maxMs: 1_000 } });
    runner = r;
    const first = await r.deploy(
      fixtureSpec(scratch.path, { serverId: "srv_crash", deploymentId: "dep_crash" }),
    );
    process.kill(first.pid ?? 0, "SIGKILL");

    await waitFor("the gateway to get no lease", () => unavailable(r, "srv_crash"));
    await waitFor("a restart to serve", () => r.status("srv_crash")?.status === "running");
    const info = r.status("srv_crash");
    expect(info?.restarts).toBeGreaterThanOrEqual(1);
    expect(info?.pid).not.toBe(first.pid);
    expect(info?.lastExit).toMatchObject({ code: null, signal: "SIGKILL" });
    expect(lines.some((line) => line.includes("deployment crashed"))).toBe(true);

    const lease = mustAcquire(r, "srv_crash");
    try {
      const text = await callTool(lease.url, apiKeyOf(r, "dep_crash"), "slow", { ms: 0 });
      expect(text).toBe(`done on port ${info?.port}`);
    } finally {
      lease.release();
    }
  }, 90_000);

  it("keeps being restarted while it keeps crashing, and stops for good when told", async () => {
    const { log } = recordingLogger();
    const r = createLocalRunner({ log, restartBackoff: { baseMs: 20, maxMs: 100 } });
    runner = r;
    await r.deploy(
      tinySpec(
        { serverId: "srv_loop", deploymentId: "dep_loop" },
        { FIXTURE_CRASH_AFTER_MS: "50" },
      ),
    );
    await waitFor("three restarts", () => (r.status("srv_loop")?.restarts ?? 0) >= 3);
    expect(r.status("srv_loop")?.lastExit?.code).toBe(3);

    await r.stop("srv_loop");
    const stopped = r.status("srv_loop");
    expect(stopped?.status).toBe("stopped");
    expect(alive(stopped?.pid)).toBe(false);
    const restarts = stopped?.restarts;
    // Nothing restarts it afterwards: wait longer than the largest backoff and look again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.status("srv_loop")).toMatchObject({ status: "stopped", restarts });
  });
});
