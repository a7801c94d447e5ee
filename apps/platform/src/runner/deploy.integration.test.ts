import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InvalidSpecError } from "./errors.js";
import { createLocalRunner } from "./local-runner.js";
import {
  apiKeyOf,
  callTool,
  fixtureSpec,
  mustAcquire,
  recordingLogger,
  scratchFolder,
  tinySpec,
} from "./testing/helpers.js";
import type { Runner } from "./types.js";

const scratch = scratchFolder();
let runner: Runner;
let logged: string[] = [];

beforeAll(() => {
  // The platform's own environment, which no server may see.
  process.env.PLATFORM_ONLY_SECRET = "platform-only-secret-value";
});
afterAll(() => {
  delete process.env.PLATFORM_ONLY_SECRET;
  scratch.remove();
});

afterEach(async () => {
  await runner.close();
});

describe("deploy", () => {
  it("serves the server once healthy, with exactly its own variables", async () => {
    const recorder = recordingLogger();
    logged = recorder.lines;
    runner = createLocalRunner({ log: recorder.log });
    const spec = fixtureSpec(
      scratch.path,
      { serverId: "srv_one", deploymentId: "dep_one" },
      { WEATHER_API_KEY: "a-weather-key-long-enough", WEATHER_UNITS: "metric" },
    );
    const info = await runner.deploy(spec);
    expect(info).toMatchObject({
      serverId: "srv_one",
      deploymentId: "dep_one",
      status: "running",
      restarts: 0,
    });
    expect(info.pid).toBeTypeOf("number");
    expect(runner.status("srv_one")?.status).toBe("running");

    const lease = mustAcquire(runner, "srv_one");
    expect(lease.url).toBe(`http://127.0.0.1:${info.port}`);
    expect(lease.deploymentId).toBe("dep_one");
    try {
      const apiKey = apiKeyOf(runner, "dep_one");
      expect(await callTool(lease.url, apiKey, "slow", { ms: 0 })).toBe(
        `done on port ${info.port}`,
      );
      // The tools see the operator's variables and PATH; the platform's GUMSTACK_* ones are
      // hidden from them, and nothing else of the platform's environment is there at all.
      expect(await callTool(lease.url, apiKey, "env")).toBe("PATH,WEATHER_API_KEY,WEATHER_UNITS");
    } finally {
      lease.release();
    }
    expect(runner.acquire("srv_unknown")).toBeUndefined();
    // What the runner logs names things, never a variable's value.
    expect(logged.some((line) => line.includes("deployment running"))).toBe(true);
    expect(logged.join("\n")).not.toContain("a-weather-key-long-enough");
    expect(logged.join("\n")).not.toContain(scratch.path);
  }, 60_000);

  it("passes the process its variables, the platform's, where to listen and PATH: nothing else", async () => {
    // The tiny server answers /env with its whole environment.
    runner = createLocalRunner({ log: recordingLogger().log, path: "/usr/bin:/bin" });
    await runner.deploy(
      tinySpec({ serverId: "srv_env", deploymentId: "dep_env" }, { OPERATOR_VALUE: "x" }),
    );
    const lease = mustAcquire(runner, "srv_env");
    try {
      const response = await fetch(`${lease.url}/env`);
      expect(await response.json()).toEqual({
        GUMSTACK_HOST: "127.0.0.1",
        GUMSTACK_PORT: lease.url.split(":").at(-1),
        OPERATOR_VALUE: "x",
        PATH: "/usr/bin:/bin",
      });
    } finally {
      lease.release();
    }
  });

  it("refuses reserved names in the server's variables, naming each, and starts nothing", async () => {
    runner = createLocalRunner({ log: recordingLogger().log });
    const spec = tinySpec(
      { serverId: "srv_reserved", deploymentId: "dep_reserved" },
      { GUMSTACK_X: "1", gumloop_y: "2", GumStack_z: "3", FINE: "4" },
    );
    const refused = runner.deploy(spec);
    await expect(refused).rejects.toBeInstanceOf(InvalidSpecError);
    const message = await refused.catch((error: Error) => error.message);
    for (const name of ["GUMSTACK_X", "gumloop_y", "GumStack_z"]) {
      expect(message).toContain(`"${name}" is reserved`);
    }
    expect(message).not.toContain("FINE");
    expect(runner.status("srv_reserved")).toBeUndefined();
    expect(runner.deployments("srv_reserved")).toEqual([]);
    expect(runner.logs("dep_reserved")).toEqual([]);
  });

  it("refuses platform variables a tool could read, and the runner's own", async () => {
    runner = createLocalRunner({ log: recordingLogger().log });
    const spec = {
      ...tinySpec({ serverId: "srv_platform", deploymentId: "dep_platform" }),
      platformEnv: { DATABASE_URL: "postgres://x", GUMSTACK_PORT: "1", GUMSTACK_SERVER_ID: "s" },
    };
    const message = await runner.deploy(spec).catch((error: Error) => error.message);
    expect(message).toContain('platformEnv: "DATABASE_URL" is not a platform variable');
    expect(message).toContain('platformEnv: "GUMSTACK_PORT" is set by the runner');
    expect(message).not.toContain("GUMSTACK_SERVER_ID");
    expect(message).not.toContain("postgres://x");
    expect(runner.deployments("srv_platform")).toEqual([]);
  });

  it("refuses a missing entry, a relative one, and a deployment id used before", async () => {
    runner = createLocalRunner({ log: recordingLogger().log });
    const missing = { ...tinySpec({ serverId: "s", deploymentId: "d1" }), entry: "/nope/x.ts" };
    await expect(runner.deploy(missing)).rejects.toThrow("entry: there is no file at /nope/x.ts");
    const relative = { ...tinySpec({ serverId: "s", deploymentId: "d1" }), entry: "x.ts" };
    await expect(runner.deploy(relative)).rejects.toThrow('entry: "x.ts" is not an absolute path');
    await runner.deploy(tinySpec({ serverId: "s", deploymentId: "d1" }));
    await expect(runner.deploy(tinySpec({ serverId: "s", deploymentId: "d1" }))).rejects.toThrow(
      "deploymentId: d1 is already used",
    );
  });
});
