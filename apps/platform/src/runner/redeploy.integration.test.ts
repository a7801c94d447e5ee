import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DeploymentFailedError } from "./errors.js";
import { createLocalRunner } from "./local-runner.js";
import {
  alive,
  apiKeyOf,
  callTool,
  descendantsOf,
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

async function whoami(r: Runner, serverId: string): Promise<string> {
  const lease = mustAcquire(r, serverId);
  try {
    return await (await fetch(`${lease.url}/whoami`)).text();
  } finally {
    lease.release();
  }
}

describe("redeploying", () => {
  it("finishes the calls in flight on the old deployment, sends new ones to the new", async () => {
    const r = createLocalRunner({ log: recordingLogger().log });
    runner = r;
    const ids = (deploymentId: string) => ({ serverId: "srv_re", deploymentId });
    const old = await r.deploy(fixtureSpec(scratch.path, ids("dep_old")));

    // A call that lasts until the test says so: it is surely in flight across the switch.
    const release = join(scratch.path, "release-slow-call");
    const oldLease = mustAcquire(r, "srv_re");
    const slow = callTool(oldLease.url, apiKeyOf(r, "dep_old"), "slow", {
      ms: 30_000,
      until: release,
    }).finally(() => oldLease.release());

    const next = await r.deploy(fixtureSpec(scratch.path, ids("dep_new")));
    expect(next.status).toBe("running");
    expect(r.status("srv_re")?.deploymentId).toBe("dep_new");
    // The old one waits for its lease before it is signalled.
    expect(r.deployment("dep_old")?.status).toBe("stopping");
    expect(alive(old.pid)).toBe(true);

    const newLease = mustAcquire(r, "srv_re");
    try {
      expect(newLease.deploymentId).toBe("dep_new");
      expect(await callTool(newLease.url, apiKeyOf(r, "dep_new"), "slow", { ms: 0 })).toBe(
        `done on port ${next.port}`,
      );
    } finally {
      newLease.release();
    }

    writeFileSync(release, "");
    expect(await slow).toBe(`done on port ${old.port}`);
    await waitFor(
      "the old deployment to stop",
      () => r.deployment("dep_old")?.status === "stopped",
    );
    expect(alive(old.pid)).toBe(false);
    // It shut down on SIGTERM, as a host does.
    expect(r.deployment("dep_old")?.lastExit).toMatchObject({ code: 0, signal: null });
    expect(r.status("srv_re")).toMatchObject({ deploymentId: "dep_new", status: "running" });
  }, 90_000);

  it("keeps the previous deployment serving when the new one exits before it is healthy", async () => {
    const r = createLocalRunner({ log: recordingLogger().log });
    runner = r;
    const previous = await r.deploy(tinySpec({ serverId: "srv_bad", deploymentId: "dep_good" }));

    const failed = r.deploy(
      tinySpec({ serverId: "srv_bad", deploymentId: "dep_bad" }, { FIXTURE_FAIL_AT_START: "1" }),
    );
    await expect(failed).rejects.toBeInstanceOf(DeploymentFailedError);
    const message = await failed.catch((error: Error) => error.message);
    expect(message).toContain("deployment dep_bad failed: the process ended (exit code 1)");
    expect(message).toContain("[stderr] tiny: failing at start on purpose");

    expect(r.deployment("dep_bad")).toMatchObject({ status: "failed", lastExit: { code: 1 } });
    expect(r.status("srv_bad")).toMatchObject({ deploymentId: "dep_good", status: "running" });
    expect(await whoami(r, "srv_bad")).toBe(String(previous.port));
  });

  it("gives up on one that never answers, killing it, and the previous one keeps serving", async () => {
    const r = createLocalRunner({
      log: recordingLogger().log,
      healthTimeoutMs: 5_000,
      stopGraceMs: 200,
    });
    runner = r;
    const previous = await r.deploy(tinySpec({ serverId: "srv_mute", deploymentId: "dep_ok" }));
    const failed = r.deploy(
      tinySpec(
        { serverId: "srv_mute", deploymentId: "dep_mute" },
        // Deaf to SIGTERM too: only SIGKILL gets rid of it.
        { FIXTURE_NEVER_LISTEN: "1", FIXTURE_IGNORE_SIGTERM: "1" },
      ),
    );
    const message = await failed.then(
      () => "resolved",
      (error: Error) => error.message,
    );
    expect(message).toContain("/healthz did not answer 200 within 5000 ms");
    expect(message).toMatch(/\[stdout\] tiny: \d+ never listens/);
    const mute = r.deployment("dep_mute");
    expect(mute).toMatchObject({ status: "failed", lastExit: { signal: "SIGKILL" } });
    expect(alive(mute?.pid)).toBe(false);
    expect(await whoami(r, "srv_mute")).toBe(String(previous.port));
  });
});

describe("stopping", () => {
  it("leaves no process behind, not even one the server started", async () => {
    const r = createLocalRunner({ log: recordingLogger().log });
    runner = r;
    const info = await r.deploy(
      tinySpec({ serverId: "srv_tree", deploymentId: "dep_tree" }, { FIXTURE_GRANDCHILD: "1" }),
    );
    await waitFor("the grandchild to start", () =>
      r.logs("dep_tree").some((line) => line.text === "grandchildren started"),
    );
    const sleepers = descendantsOf(info.pid).filter((p) => p.command === "sleep 1000");
    expect(sleepers).toHaveLength(1);
    expect(alive(sleepers[0]?.pid)).toBe(true);

    await r.stop("srv_tree");
    expect(r.status("srv_tree")?.status).toBe("stopped");
    expect(r.acquire("srv_tree")).toBeUndefined();
    expect(alive(info.pid)).toBe(false);
    await waitFor("the grandchild to be gone", () => !alive(sleepers[0]?.pid), 5_000);
  });

  it("close() stops every server and refuses new deployments", async () => {
    const r = createLocalRunner({ log: recordingLogger().log });
    runner = r;
    const a = await r.deploy(tinySpec({ serverId: "srv_a", deploymentId: "dep_a" }));
    const b = await r.deploy(tinySpec({ serverId: "srv_b", deploymentId: "dep_b" }));
    await r.close();
    expect([r.status("srv_a")?.status, r.status("srv_b")?.status]).toEqual(["stopped", "stopped"]);
    expect([alive(a.pid), alive(b.pid)]).toEqual([false, false]);
    await expect(r.deploy(tinySpec({ serverId: "srv_a", deploymentId: "dep_c" }))).rejects.toThrow(
      "the runner is closed",
    );
  });

  it("abandons a deploy still starting", async () => {
    const r = createLocalRunner({ log: recordingLogger().log });
    runner = r;
    const pending = r.deploy(
      tinySpec(
        { serverId: "srv_pending", deploymentId: "dep_pending" },
        { FIXTURE_NEVER_LISTEN: "1" },
      ),
    );
    await waitFor("the process to start", () => r.logs("dep_pending").length > 0, 10_000);
    const pid = r.deployment("dep_pending")?.pid;
    await r.stop("srv_pending");
    await expect(pending).rejects.toThrow("stopped before it became healthy");
    expect(r.deployment("dep_pending")?.status).toBe("stopped");
    expect(alive(pid)).toBe(false);
  });
});
