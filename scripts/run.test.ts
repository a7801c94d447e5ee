import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

// The task: says its pid, then waits to be told to stop, and says how it was told.
const TASK = `
process.on("SIGTERM", () => { process.stdout.write("stopped by SIGTERM\\n"); process.exit(7); });
process.stdout.write("ready " + process.pid + "\\n");
setTimeout(() => process.exit(1), 30000);
`;

describe("scripts/run.mjs (what npm start and npm test run)", () => {
  const left: number[] = [];
  afterEach(() => {
    // A task the wrapper left behind (the bug this guards against) goes with the test.
    for (const pid of left.splice(0)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already: what should have happened.
      }
    }
  });

  it("passes a SIGTERM on to its task and exits with the task's code, leaving nothing running", async () => {
    const wrapper = spawn(process.execPath, ["scripts/run.mjs", "node", "-e", TASK], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    const ready = new Promise<void>((resolve) => {
      wrapper.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const pid = /ready (\d+)/.exec(output)?.[1];
        if (pid) {
          left.push(Number(pid));
          resolve();
        }
      });
    });
    const exited = new Promise<number | null>((resolve) =>
      wrapper.once("exit", (code) => resolve(code)),
    );
    await ready;
    wrapper.kill("SIGTERM");
    expect(await exited).toBe(7);
    expect(output).toContain("stopped by SIGTERM");
  });
});
