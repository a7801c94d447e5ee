import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDriver } from "@gumstack/db/testing";
import {
  connectClient,
  freePort,
  type GuardedServer,
  type RemoteServer,
  startEverythingHttp,
  startGuardedServer,
  textOf,
} from "@gumstack/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";

const ADA_TOKEN = "tok-ada-0123456789";
const BOB_TOKEN = "tok-bob-wrong-0000";

/** A proxied server's file in a folder of its own; its URL is a live test server's. */
function serverFile(folder: string, name: string, yaml: string): string {
  const file = join(folder, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

async function platformWith(allowPrivateUrls: boolean) {
  const url = `http://127.0.0.1:${await freePort()}`;
  const platform = await testPlatform({ publicUrl: url, proxied: { allowPrivateUrls } });
  const stop = await platform.listen();
  const admin = await platform.signUpAdmin("admin@example.com");
  const user = async (email: string, token?: string) => {
    const as = await platform.signUp(email);
    const created = await callOver(url, as, "POST", "/api/keys", { name: "mcp" });
    if (token !== undefined) {
      const saved = await callOver(url, as, "PUT", "/api/servers/vendor/credentials", {
        values: { token },
      });
      expect(saved.status).toBe(200);
    }
    return { as, key: ((await created.json()) as { key: string }).key };
  };
  const close = async () => {
    await stop();
    await platform.services.runner.close();
    platform.services.proxied.close();
    await platform.close();
  };
  return { url, platform, admin, user, close };
}

describe(`proxied remote servers through the gateway [${testDriver}]`, () => {
  let folder: string;
  let guarded: GuardedServer;
  let everything: RemoteServer;
  let t: Awaited<ReturnType<typeof platformWith>>;
  let platform: TestPlatform;
  let ada: { as: SignedIn; key: string };
  let bob: { as: SignedIn; key: string };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "gumstack-remote-"));
    guarded = await startGuardedServer({ token: ADA_TOKEN });
    everything = await startEverythingHttp("streamableHttp");
    t = await platformWith(true);
    platform = t.platform;
    const vendor = serverFile(
      folder,
      "vendor",
      `name: vendor
kind: remote
url: ${guarded.url}
headers:
  Authorization: "Bearer \${cred.token}"
auth:
  type: cred
  fields: [{ name: token, label: Token }]
startSeconds: 5
`,
    );
    const registered = await callOver(t.url, t.admin, "POST", "/api/servers", { path: vendor });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({
      kind: "remote",
      status: "per_user",
      problem: null,
    });
    ada = await t.user("ada@example.com", ADA_TOKEN);
    bob = await t.user("bob@example.com", BOB_TOKEN);
  });
  afterAll(async () => {
    await t?.close();
    await guarded?.stop();
    await everything?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("sends each user's own header, and nothing of the caller's, to the remote server", async () => {
    const client = await connectClient(t.url, ada.key, "/mcp/vendor");
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "hi" } }))).toContain(
      "hi",
    );
    await client.close();
    expect(guarded.seen.length).toBeGreaterThan(0);
    for (const headers of guarded.seen) {
      expect(headers.authorization).toBe(`Bearer ${ADA_TOKEN}`);
      expect(headers["x-gumstack-context"]).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain(ada.key);
    }
  });

  it("refuses a user whose own token the remote server refuses, without saying the token", async () => {
    const seen = guarded.seen.length;
    const refused = await fetch(`${t.url}/mcp/vendor`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bob.key}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(refused.status).toBe(503);
    const text = await refused.text();
    expect(text).toMatch(/vendor refused your credentials \(HTTP 401 or 403\): update them/);
    expect(text).not.toContain(BOB_TOKEN);
    // Bob's bridge tried with bob's token; ada's process is untouched.
    expect(guarded.seen.slice(seen).some((h) => h.authorization === `Bearer ${BOB_TOKEN}`)).toBe(
      true,
    );
    expect(platform.lines.join("\n")).not.toContain(BOB_TOKEN);
    const rows = (await (
      await callOver(t.url, t.admin, "GET", "/api/servers/vendor/processes")
    ).json()) as { processes: Array<{ userId: string; status: string }> };
    expect(rows.processes.find((p) => p.userId === ada.as.userId)?.status).toBe("running");
  });

  it("serves a remote server with no per-user value as one shared process", async () => {
    const file = serverFile(
      folder,
      "everything",
      `name: everything
kind: remote
url: ${everything.url}
auth: { type: none }
tools: { prefix: true }
`,
    );
    const registered = await callOver(t.url, t.admin, "POST", "/api/servers", { path: file });
    expect(await registered.json()).toMatchObject({ kind: "remote", status: "running" });
    const client = await connectClient(t.url, ada.key, "/mcp/everything");
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("everything_echo");
    expect(
      textOf(await client.callTool({ name: "everything_echo", arguments: { message: "x" } })),
    ).toBe("Echo: x");
    await client.close();
  });
});

describe(`proxied remote servers on a private address [${testDriver}]`, () => {
  let folder: string;
  let guarded: GuardedServer;
  let t: Awaited<ReturnType<typeof platformWith>>;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "gumstack-remote-"));
    guarded = await startGuardedServer({ token: ADA_TOKEN });
    t = await platformWith(false);
  });
  afterAll(async () => {
    await t?.close();
    await guarded?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("does not reach loopback unless the operator allows private addresses (SSRF)", async () => {
    const file = serverFile(
      folder,
      "vendor",
      `name: vendor
kind: remote
url: ${guarded.url}
headers: { Authorization: "Bearer ${ADA_TOKEN}" }
auth: { type: none }
startSeconds: 3
`,
    );
    const registered = await callOver(t.url, t.admin, "POST", "/api/servers", { path: file });
    expect(registered.status).toBe(201);
    const { problem } = (await registered.json()) as { problem: string | null };
    expect(problem).toMatch(/did not answer 200|ended/);
    expect(problem).toMatch(/loopback|private/i);
    expect(guarded.seen).toEqual([]);
  });
});
