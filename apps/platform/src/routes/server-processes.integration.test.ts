import { fileURLToPath } from "node:url";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { connectClient, freePort } from "@gumstack/sdk/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";

const exampleProxied = fileURLToPath(new URL("apps/example-proxied", `file://${repoRoot}`));
const NAME = "example-proxied";
/** Ada's value: not a secret field, but still hers, and never in the processes answer. */
const NOTEBOOK = "adas-private-notebook";

/**
 * GET /api/servers/:server/processes names each process's user (name and email, from the users
 * table) beside the id, for the owner only; it carries no user's values. Against a real runner
 * serving example-proxied, with a process started by a real MCP call through the gateway.
 */
describe(`the processes of a per-user server [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let admin: SignedIn;
  let ada: SignedIn;
  let client: Client | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];

  const as = (who: SignedIn, method: string, path: string, body?: unknown) =>
    callOver(url, who, method, path, body);

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    cleanups.push(
      () => platform.close(),
      async () => platform.services.proxied.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    const registered = await as(admin, "POST", "/api/servers", { path: exampleProxied });
    expect(registered.status).toBe(201);

    ada = await platform.signUp("ada@example.com");
    const saved = await as(ada, "PUT", `/api/servers/${NAME}/credentials`, {
      values: { notebook: NOTEBOOK },
    });
    expect(saved.status).toBe(200);
    const created = await as(ada, "POST", "/api/keys", { name: "mcp" });
    const { key } = (await created.json()) as { key: string };
    client = await connectClient(url, key, `/mcp/${NAME}`);
    await client.callTool({ name: "read_graph", arguments: {} });
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("names the user of each process, beside the id, and none of their values", async () => {
    const response = await as(admin, "GET", `/api/servers/${NAME}/processes`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({
      processes: [
        {
          userId: ada.userId,
          userName: "ada",
          userEmail: "ada@example.com",
          status: "running",
          pid: expect.any(Number),
          startedAt: expect.any(Number),
          lastUsedAt: expect.any(Number),
          busy: 0,
          memoryBytes: expect.any(Number),
        },
      ],
    });
    expect(body).not.toContain(NOTEBOOK);
  });

  it("is another owner's business: 404 for a user who does not own the server", async () => {
    const carl = await platform.signUp("carl@example.com");
    // Carl can use the server (see it, call it) but not see who else runs it.
    expect((await as(carl, "GET", `/api/servers/${NAME}`)).status).toBe(200);
    const listed = await as(carl, "GET", `/api/servers/${NAME}/processes`);
    expect(listed.status).toBe(404);
    expect(await listed.json()).toMatchObject({
      error: { code: "not_found", message: `no server named ${NAME} of yours` },
    });
    const stopped = await as(carl, "DELETE", `/api/servers/${NAME}/processes/${ada.userId}`);
    expect(stopped.status).toBe(404);

    // And the other way round: carl's server is not the admin's to look into.
    await platform.serverOf(carl, "carls-server");
    expect((await as(admin, "GET", "/api/servers/carls-server/processes")).status).toBe(404);

    // Ada's process still runs: nothing above touched it.
    const still = (await (await as(admin, "GET", `/api/servers/${NAME}/processes`)).json()) as {
      processes: Array<{ userId: string }>;
    };
    expect(still.processes.map((p) => p.userId)).toEqual([ada.userId]);
  });

  it("stops a user's process for the owner, after which the list is empty", async () => {
    const stopped = await as(admin, "DELETE", `/api/servers/${NAME}/processes/${ada.userId}`);
    expect(stopped.status).toBe(204);
    const listed = await as(admin, "GET", `/api/servers/${NAME}/processes`);
    expect(await listed.json()).toEqual({ processes: [] });
    const again = await as(admin, "DELETE", `/api/servers/${NAME}/processes/${ada.userId}`);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({
      error: { message: expect.stringMatching(/^user: /) },
    });
  });
});
