import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { connectClient, freePort, textOf } from "@gumstack/sdk/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";

// The registry's memory server (pinned), one process per user: its file is /tmp/<notebook>.jsonl.
const exampleProxied = fileURLToPath(new URL("apps/example-proxied", `file://${repoRoot}`));
// server-everything, per user: its long-running tool keeps a call in flight.
const everything = fileURLToPath(new URL("testing/everything.yaml", import.meta.url));

async function eventually(check: () => Promise<boolean>, limitMs: number, what: string) {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

interface Caller {
  as: SignedIn;
  key: string;
  client?: Client | undefined;
}

interface ProcessRow {
  userId: string;
  status: string;
  pid: number | null;
  memoryBytes: number | null;
}

const isAlive = (pid: number) => existsSync(`/proc/${pid}`);

/** Starts a platform serving example-proxied, with two users who have an API key each. */
async function setUp(
  proxied: NonNullable<Parameters<typeof testPlatform>[0]>["proxied"],
  server = { path: exampleProxied, name: "example-proxied", field: "notebook" },
  runner: NonNullable<Parameters<typeof testPlatform>[0]>["runner"] = {},
) {
  const NAME = server.name;
  const url = `http://127.0.0.1:${await freePort()}`;
  const platform = await testPlatform({ publicUrl: url, proxied, runner });
  const stop = await platform.listen();
  const admin = await platform.signUpAdmin("admin@example.com");
  const registered = await callOver(url, admin, "POST", "/api/servers", { path: server.path });
  if (registered.status !== 201)
    throw new Error(`registering: ${registered.status}\n${platform.lines.slice(-5).join("\n")}`);
  expect(await registered.json()).toMatchObject({
    name: NAME,
    kind: "stdio",
    status: "per_user",
    processes: 0,
    problem: null,
  });
  const caller = async (email: string): Promise<Caller> => {
    const as = await platform.signUp(email);
    const created = await callOver(url, as, "POST", "/api/keys", { name: "mcp" });
    return { as, key: ((await created.json()) as { key: string }).key };
  };
  const processes = async (): Promise<ProcessRow[]> => {
    const response = await callOver(url, admin, "GET", `/api/servers/${NAME}/processes`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { processes: ProcessRow[] }).processes;
  };
  const setNotebook = async (who: Caller, notebook: string) => {
    const saved = await callOver(url, who.as, "PUT", `/api/servers/${NAME}/credentials`, {
      values: { [server.field]: notebook },
    });
    expect(saved.status).toBe(200);
  };
  const connect = async (who: Caller) => {
    await who.client?.close();
    who.client = await connectClient(url, who.key, `/mcp/${NAME}`);
    return who.client;
  };
  const call = (who: Caller, id: number, method: string, params: unknown) =>
    fetch(`${url}/mcp/${NAME}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${who.key}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
    });
  const close = async () => {
    await stop();
    await platform.services.runner.close();
    platform.services.proxied.close();
    await platform.close();
  };
  return { url, platform, admin, caller, processes, setNotebook, connect, call, close };
}

const graphOf = async (client: Client) =>
  JSON.parse(textOf(await client.callTool({ name: "read_graph", arguments: {} }))) as {
    entities: Array<{ name: string }>;
  };
const names = async (client: Client) => (await graphOf(client)).entities.map((e) => e.name).sort();
const create = (client: Client, name: string) =>
  client.callTool({
    name: "create_entities",
    arguments: { entities: [{ name, entityType: "note", observations: [name] }] },
  });

describe(`a proxied stdio server with one process per user [${testDriver}]`, () => {
  let t: Awaited<ReturnType<typeof setUp>>;
  let ada: Caller;
  let bob: Caller;
  let platform: TestPlatform;

  beforeAll(async () => {
    // Values read again on every call (a change made behind the platform's back is seen at once).
    t = await setUp({ recheckMs: 0 });
    platform = t.platform;
    ada = await t.caller("ada@example.com");
    bob = await t.caller("bob@example.com");
  });
  afterAll(async () => {
    await ada?.client?.close();
    await bob?.client?.close();
    await t?.close();
  });

  it("asks a caller without values for them, with the form's link, and starts nothing", async () => {
    const refused = connectClient(t.url, ada.key, `/mcp/example-proxied`);
    await expect(refused).rejects.toThrow(
      /needs your credentials first: open http.*\/auth\/form\//,
    );
    const raw = await t.call(ada, 7, "tools/list", {});
    expect(raw.status).toBe(200);
    const answer = (await raw.json()) as {
      id: number;
      error: { code: number; data: { elicitations: Array<{ mode: string; url: string }> } };
    };
    expect(answer).toMatchObject({ id: 7, error: { code: -32042 } });
    expect(answer.error.data.elicitations[0]).toMatchObject({
      mode: "url",
      url: expect.stringContaining(`/auth/form/example-proxied?ticket=`),
    });
    expect(await t.processes()).toEqual([]);
  });

  it("runs each user's own process: the same notebook name, two graphs that never meet", async () => {
    await t.setNotebook(ada, "notes");
    await t.setNotebook(bob, "notes");
    const adaClient = await t.connect(ada);
    const bobClient = await t.connect(bob);
    await create(adaClient, "ada-only");
    expect(await names(adaClient)).toEqual(["ada-only"]);
    expect(await names(bobClient)).toEqual([]);
    const running = await t.processes();
    expect(running.map((p) => p.userId).sort()).toEqual([ada.as.userId, bob.as.userId].sort());
    expect(new Set(running.map((p) => p.pid)).size).toBe(2);
    for (const row of running) {
      expect(row.status).toBe("running");
      expect(row.memoryBytes).toBeGreaterThan(10 * 1024 * 1024);
    }
  });

  it("keeps them apart under 50 concurrent calls mixing both users", async () => {
    const adaClient = ada.client as Client;
    const bobClient = bob.client as Client;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0 ? create(adaClient, `ada-${i}`) : create(bobClient, `bob-${i}`),
      ),
    );
    const adas = await names(adaClient);
    const bobs = await names(bobClient);
    // server-memory rewrites its file per call without a lock: concurrent creates in one process
    // may lose one another (its own behaviour). What is checked is that nothing crosses users.
    expect(adas.length).toBeGreaterThan(1);
    expect(adas.every((n) => n.startsWith("ada-"))).toBe(true);
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.every((n) => n.startsWith("bob-"))).toBe(true);
  });

  it("replaces a user's process when their values change, and only theirs", async () => {
    const before = await t.processes();
    const pidOf = (rows: ProcessRow[], who: Caller) =>
      rows.find((p) => p.userId === who.as.userId)?.pid;
    await t.setNotebook(ada, "other");
    // The old process held the session: the client starts again on the new one.
    const adaClient = await t.connect(ada);
    expect(await names(adaClient)).toEqual([]);
    const after = await t.processes();
    expect(pidOf(after, ada)).not.toBe(pidOf(before, ada));
    expect(pidOf(after, bob)).toBe(pidOf(before, bob));
    await eventually(
      async () => !isAlive(pidOf(before, ada) as number),
      15_000,
      "the old one to go",
    );
  });

  it("starts a new process on the next call after a user's process is killed", async () => {
    const killed = (await t.processes()).find((p) => p.userId === bob.as.userId)?.pid as number;
    process.kill(killed, "SIGKILL");
    await eventually(async () => !isAlive(killed), 5_000, "the kill");
    // The killed process held the graph in its own /tmp: the new one starts empty.
    const bobClient = await t.connect(bob);
    expect(await names(bobClient)).toEqual([]);
    const now = (await t.processes()).find((p) => p.userId === bob.as.userId);
    expect(now?.pid).not.toBe(killed);
    expect(now?.status).toBe("running");
  });

  it("stops a user's process from the API, and leaves no process behind when the platform stops", async () => {
    const rows = await t.processes();
    const adaPid = rows.find((p) => p.userId === ada.as.userId)?.pid as number;
    const stopped = await callOver(
      t.url,
      t.admin,
      "DELETE",
      `/api/servers/example-proxied/processes/${ada.as.userId}`,
    );
    expect(stopped.status).toBe(204);
    // Gone from the list at once; the process itself ends once its client's stream is cut off.
    await ada.client?.close();
    ada.client = undefined;
    await eventually(async () => !isAlive(adaPid), 40_000, "ada's process to stop");
    expect((await t.processes()).map((p) => p.userId)).toEqual([bob.as.userId]);
    const bobPid = (await t.processes())[0]?.pid as number;
    await bob.client?.close();
    bob.client = undefined;
    await platform.services.runner.close();
    expect(isAlive(bobPid)).toBe(false);
  });
});

describe(`per-user processes over the cap [${testDriver}]`, () => {
  let t: Awaited<ReturnType<typeof setUp>>;
  let ada: Caller;
  let bob: Caller;

  beforeAll(async () => {
    t = await setUp({ maxTotal: 1 }, { path: everything, name: "everything", field: "label" });
    ada = await t.caller("ada@example.com");
    bob = await t.caller("bob@example.com");
    await t.setNotebook(ada, "a");
    await t.setNotebook(bob, "b");
  });
  afterAll(async () => {
    await ada?.client?.close();
    await bob?.client?.close();
    await t?.close();
  });

  it("refuses a call over the cap while every process is busy, with a retry hint", async () => {
    const long = t.call(ada, 1, "tools/call", {
      name: "trigger-long-running-operation",
      arguments: { duration: 4, steps: 2 },
    });
    await eventually(
      async () => (await t.processes())[0]?.status === "running",
      60_000,
      "ada's process, busy with the long call",
    );
    const refused = await t.call(bob, 1, "tools/list", {});
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /all 1 of the platform's processes are busy/,
    );
    expect((await long).status).toBe(200);
    expect(await (await long).text()).toContain("Long running operation completed");
  });

  it("stops the least recently used idle process to make room", async () => {
    const [adaProcess] = await t.processes();
    expect(adaProcess?.userId).toBe(ada.as.userId);
    const adaPid = adaProcess?.pid as number;
    const listed = await t.call(bob, 2, "tools/list", {});
    expect(listed.status).toBe(200);
    expect((await t.processes()).map((p) => p.userId)).toEqual([bob.as.userId]);
    await eventually(async () => !isAlive(adaPid), 15_000, "ada's process to stop");
  });
});

describe(`per-user processes after their idle time [${testDriver}]`, () => {
  let t: Awaited<ReturnType<typeof setUp>>;
  let ada: Caller;

  beforeAll(async () => {
    // A short drain: a removed server's process waits that long for its connected clients.
    t = await setUp({ idleMs: 1_500 }, undefined, { drainTimeoutMs: 3_000 });
    ada = await t.caller("ada@example.com");
    await t.setNotebook(ada, "a");
  });
  afterAll(async () => {
    await ada?.client?.close();
    await t?.close();
  });

  it("stops a process once it has been unused for its idle time, and starts one again", async () => {
    const client = await t.connect(ada);
    await create(client, "kept-while-in-use");
    const pid = (await t.processes())[0]?.pid as number;
    await client.close();
    ada.client = undefined;
    await eventually(async () => (await t.processes()).length === 0, 20_000, "the idle stop");
    await eventually(async () => !isAlive(pid), 15_000, "the process to end");
    const again = await t.connect(ada);
    expect(await names(again)).toEqual([]);
  });

  it("removes the server while a user is connected: nothing reaches it, its process goes", async () => {
    const pid = (await t.processes())[0]?.pid as number;
    const removed = await callOver(t.url, t.admin, "DELETE", "/api/servers/example-proxied");
    expect(removed.status).toBe(204);
    // The gateway knows names for 2 s (its cache): then the name is unknown.
    await eventually(
      async () => (await t.call(ada, 1, "tools/list", {})).status === 404,
      10_000,
      "the gateway to forget the name",
    );
    expect(await (await t.call(ada, 2, "tools/list", {})).text()).toContain(
      "no server named example-proxied",
    );
    await eventually(async () => !isAlive(pid), 40_000, "the removed server's process to end");
  });
});
