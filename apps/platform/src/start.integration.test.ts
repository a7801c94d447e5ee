import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readMigrations } from "@gumstack/db";
import { createScratchDatabase, repoRoot, testDriver } from "@gumstack/db/testing";
import { connectClient, textOf } from "@gumstack/sdk/testing";
import { generateKeySpec } from "@gumstack/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { firstAdminFile } from "./accounts/first-admin-notice.js";
import {
  type PlatformProcess,
  runEntry,
  startPlatformProcess as startProcess,
} from "./testing/start-process.js";

const example = (name: string) => join(repoRoot, "apps", `example-${name}`);

describe(`the start command [${testDriver}]`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let drop: () => Promise<void>;

  beforeEach(async () => {
    const home = mkdtempSync(join(tmpdir(), "gumstack-start-"));
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    // The data folder also on Postgres: the first admin's password file goes beside it.
    dataDir = join(home, "data");
    env = scratch.url
      ? {
          DATABASE_URL: scratch.url,
          GUMSTACK_VAULT_KEYS: generateKeySpec("k1"),
          GUMSTACK_DATA_DIR: dataDir,
        }
      : { GUMSTACK_DATA_DIR: dataDir };
  });
  // Every platform started is stopped, also when a test fails half-way (its servers with it).
  const started: PlatformProcess[] = [];
  const startPlatformProcess = async (...args: Parameters<typeof startProcess>) => {
    const platform = await startProcess(...args);
    started.push(platform);
    return platform;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((platform) => platform.stop()));
    await drop();
  });

  it("answers /healthz with the database and the key ring, and comes back after a restart", async () => {
    const first = await startPlatformProcess(env);
    const health = await (await fetch(`${first.url}/healthz`)).json();
    expect(health).toMatchObject({
      status: "ok",
      database: { ok: true, driver: testDriver, migration: readMigrations().at(-1)?.name },
      keyRing: { primary: "k1", keys: ["k1"] },
    });
    expect(JSON.stringify(health)).not.toMatch(/[A-Za-z0-9+/]{43}=/);
    expect(await first.stop()).toBe(0);
    if (testDriver === "pglite") expect(first.output()).toContain("generated a vault key");

    const second = await startPlatformProcess(env);
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    expect(second.output()).not.toContain("generated a vault key");
    expect(second.output()).not.toContain("applied migrations");
    await second.stop();
  });

  it("registers the seed servers at start, and starts every registered server again after a restart", async () => {
    const seeds = join(mkdtempSync(join(tmpdir(), "gumstack-seed-")), "servers.json");
    writeFileSync(
      seeds,
      JSON.stringify([
        { path: example("none"), env: { WEATHER_UNITS: "imperial" } },
        { path: example("cred") },
      ]),
    );
    const first = await startPlatformProcess(env, ["--seed", seeds]);
    // Not a terminal: the password is in a file only this user can read, never in the output.
    const file = firstAdminFile(dataDir);
    expect(first.output()).toContain(`its password is in ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = /password: (\S+)/.exec(readFileSync(file, "utf8"))?.[1] as string;
    expect(password).toMatch(/^[\w-]{20}$/);
    expect(first.output()).not.toContain(password);
    const signIn = async (url: string) => {
      const response = await fetch(`${url}/api/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@gumstack.localhost", password }),
      });
      expect(response.status).toBe(200);
      return (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
    };
    /** The servers' statuses once none is still starting; gives up after 60 s. */
    const settled = async (url: string, cookie: string) => {
      for (let round = 0; round < 300; round++) {
        const { servers } = (await (
          await fetch(`${url}/api/servers`, { headers: { cookie } })
        ).json()) as { servers: Array<{ name: string; status: string }> };
        const statuses = Object.fromEntries(servers.map((s) => [s.name, s.status]));
        if (!Object.values(statuses).some((s) => s === "starting" || s === "not_deployed"))
          return statuses;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error("the servers were still starting after 60 s");
    };
    const cookie = await signIn(first.url);
    expect(await settled(first.url, cookie)).toEqual({
      "example-cred": "running",
      "example-none": "running",
    });
    const env1 = await fetch(`${first.url}/api/servers/example-none/env`, { headers: { cookie } });
    expect(await env1.json()).toMatchObject({ variables: [{ name: "WEATHER_UNITS" }] });
    // Tool calls made just before the stop: the server reports them in batches, the last on its
    // way out, and the platform must still be listening to take them.
    const csrfToken = (
      (await (await fetch(`${first.url}/api/me`, { headers: { cookie } })).json()) as {
        csrfToken: string;
      }
    ).csrfToken;
    const { key } = (await (
      await fetch(`${first.url}/api/keys`, {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" },
        body: JSON.stringify({ name: "start" }),
      })
    ).json()) as { key: string };
    const client = await connectClient(first.url, key, "/mcp/example-none");
    for (const city of ["Oslo", "Lima", "Pune"]) {
      expect(textOf(await client.callTool({ name: "forecast", arguments: { city } }))).toContain(
        `Forecast for ${city}`,
      );
    }
    await client.close();
    expect(await first.stop()).toBe(0);

    // No seed this time: what is registered starts anyway.
    const second = await startPlatformProcess(env);
    const cookie2 = await signIn(second.url);
    expect(await settled(second.url, cookie2)).toEqual({
      "example-cred": "running",
      "example-none": "running",
    });
    const activity = (await (
      await fetch(`${second.url}/api/servers/example-none/activity?hours=1`, {
        headers: { cookie: cookie2 },
      })
    ).json()) as { tools: Array<{ tool: string; calls: number }> };
    expect(activity.tools).toEqual([expect.objectContaining({ tool: "forecast", calls: 3 })]);
    expect(await second.stop()).toBe(0);
  }, 120_000);

  it("stops at start-up with the wrong key, saying which", async () => {
    const first = await startPlatformProcess(env);
    await first.stop();
    const wrong = runEntry("main.ts", [], {
      ...env,
      GUMSTACK_PORT: "0",
      GUMSTACK_VAULT_KEYS: generateKeySpec("k1"),
    });
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toMatch(
      /could not start: the key "k1" in GUMSTACK_VAULT_KEYS is not the key "k1" this database was encrypted with/,
    );
  });

  it("stops at start-up on a bad variable, naming it", async () => {
    const bad = runEntry("main.ts", [], { ...env, GUMSTACK_VAULT_KEYS: "k1:tooshort" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(
      /GUMSTACK_VAULT_KEYS, key 1 \("k1"\): the key must be 32 random bytes/,
    );
    expect(bad.output()).not.toContain("tooshort");
  });
});
