import { fileURLToPath } from "node:url";
import { spawnTypeScript } from "@gumstack/db/testing";
import { describe, expect, it } from "vitest";
import { alive, waitFor } from "./testing/helpers.js";

const abandoningPlatform = fileURLToPath(
  new URL("./testing/abandoning-platform.ts", import.meta.url),
);

describe("a platform that dies without stopping its servers", () => {
  it("does not leave them running: they notice and shut down", async () => {
    const platform = spawnTypeScript(abandoningPlatform);
    let output = "";
    platform.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    platform.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const died = new Promise<NodeJS.Signals | null>((resolve) =>
      platform.once("exit", (_code, signal) => resolve(signal)),
    );
    expect(await died).toBe("SIGKILL");
    const pid = Number(/server (\d+)/.exec(output)?.[1]);
    expect(pid, output).toBeGreaterThan(0);

    await waitFor("the abandoned server to stop", () => !alive(pid), 20_000);
  });
});
