import { afterEach, describe, expect, it } from "vitest";
import { createLocalRunner } from "./local-runner.js";
import { recordingLogger, tinySpec, waitFor } from "./testing/helpers.js";
import type { LogLine, Runner } from "./types.js";

let runner: Runner | undefined;

afterEach(async () => {
  await runner?.close();
});

const texts = (lines: LogLine[], stream: LogLine["stream"]) =>
  lines.filter((line) => line.stream === stream).map((line) => line.text);

describe("deployment logs", () => {
  it("keep the newest lines of each stream, up to the limit, after the process is gone", async () => {
    let clock = 1_000;
    const r = createLocalRunner({ log: recordingLogger().log, maxLogLines: 50, now: () => clock });
    runner = r;
    await r.deploy(
      tinySpec({ serverId: "srv_logs", deploymentId: "dep_logs" }, { FIXTURE_CHATTER: "100" }),
    );
    // Stopped, its output is all read.
    await r.stop("srv_logs");
    clock = 2_000;

    const lines = r.logs("dep_logs");
    expect(lines).toHaveLength(50);
    expect(["out 100", "err 100"]).toContain(lines.at(-1)?.text);
    for (const line of lines) expect(line.at).toBe(1_000);
    // Within a stream, order is kept and the oldest lines went first.
    const out = texts(lines, "stdout");
    const err = texts(lines, "stderr");
    expect(out).toEqual(out.map((_, i) => `out ${101 - out.length + i}`));
    expect(err).toEqual(err.map((_, i) => `err ${101 - err.length + i}`));
    expect(out.length + err.length).toBe(50);
    // A copy: the caller cannot change what is kept.
    lines.length = 0;
    expect(r.logs("dep_logs")).toHaveLength(50);
  });

  it("are bounded in bytes too", async () => {
    const r = createLocalRunner({ log: recordingLogger().log, maxLogBytes: 100 });
    runner = r;
    await r.deploy(
      tinySpec({ serverId: "srv_bytes", deploymentId: "dep_bytes" }, { FIXTURE_CHATTER: "100" }),
    );
    await r.stop("srv_bytes");
    expect(["out 100", "err 100"]).toContain(r.logs("dep_bytes").at(-1)?.text);
    const bytes = r.logs("dep_bytes").reduce((sum, line) => sum + Buffer.byteLength(line.text), 0);
    expect(bytes).toBeLessThanOrEqual(100);
    expect(bytes).toBeGreaterThan(50);
  });

  it("are kept for the newest deployments of each server, and not for older ones", async () => {
    const r = createLocalRunner({ log: recordingLogger().log, keptDeployments: 2 });
    runner = r;
    for (const id of ["dep_1", "dep_2", "dep_3", "dep_4"]) {
      await r.deploy(
        tinySpec({ serverId: "srv_kept", deploymentId: id }, { FIXTURE_CHATTER: "1" }),
      );
      await waitFor(`output of ${id}`, () => r.logs(id).length === 2);
    }
    await r.deploy(tinySpec({ serverId: "srv_other", deploymentId: "dep_other" }));
    await r.stop("srv_kept");

    expect(r.deployments("srv_kept").map((d) => [d.deploymentId, d.status])).toEqual([
      ["dep_4", "stopped"],
      ["dep_3", "stopped"],
    ]);
    expect(r.logs("dep_1")).toEqual([]);
    expect(r.logs("dep_2")).toEqual([]);
    expect(r.deployment("dep_1")).toBeUndefined();
    expect(texts(r.logs("dep_3"), "stdout")).toEqual(["out 1"]);
    expect(texts(r.logs("dep_4"), "stderr")).toEqual(["err 1"]);
    // Another server's deployments count apart.
    expect(r.status("srv_other")?.status).toBe("running");
  });
});
