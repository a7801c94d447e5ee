import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import {
  connectClient,
  freePort,
  type GuardedServer,
  startGuardedServer,
  textOf,
} from "@gumstack/sdk/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";

const NAME = "edited";
/** Typed into the file as it is: a literal, so the API never shows it. */
const SECRET = "s3cret-literal-0042";
const API_TOKEN = "tok-from-the-dashboard-77";
// The registry's server-everything, shared (no caller's value): one process, started by a deploy.
// Its get-env tool shows what the process was started with; get-sum is the tool a deny hides.
const FILE = `# Comments like this one survive a save.
name: ${NAME}
kind: stdio
description: server-everything, shared
command: node
args: ["node_modules/@modelcontextprotocol/server-everything/dist/index.js", "stdio"]
env:
  LITERAL_SECRET: "${SECRET}" # typed by the operator
  FROM_VARIABLE: "\${API_TOKEN}"
auth:
  type: none
  env: [API_TOKEN]
`;

/**
 * Makes `folder` unwritable, as a read-only mount is, and returns the undo: by its mode, or, for
 * root (whom modes do not stop), by the file system's immutable flag.
 */
function readOnly(folder: string): () => void {
  if (process.getuid?.() !== 0) {
    chmodSync(folder, 0o555);
    return () => chmodSync(folder, 0o755);
  }
  execFileSync("chattr", ["+i", folder]);
  return () => execFileSync("chattr", ["-i", folder]);
}

interface ConfigBody {
  server: string;
  file: string;
  version: string;
  changed?: boolean;
  config: Record<string, unknown> & { env: Record<string, unknown>; tools: { deny: string[] } };
}

interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}

/**
 * GET and PUT /api/servers/:server/config against a real platform (HTTP, gateway, runner) serving
 * server-everything from a file in a folder of its own: what is masked, what a save keeps and
 * writes, what it refuses (and that the file is then unchanged), and that a saved change reaches
 * the running server through the gateway.
 */
describe(`editing a proxied server's configuration [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let admin: SignedIn;
  let folder: string;
  let file: string;
  let client: Client | undefined;
  let key = "";
  const cleanups: Array<() => Promise<unknown>> = [];

  const as = (who: SignedIn, method: string, path: string, body?: unknown) =>
    callOver(url, who, method, path, body);
  const read = async (): Promise<ConfigBody> => {
    const response = await as(admin, "GET", `/api/servers/${NAME}/config`);
    expect(response.status).toBe(200);
    return (await response.json()) as ConfigBody;
  };
  const save = (version: string, config: unknown) =>
    as(admin, "PUT", `/api/servers/${NAME}/config`, { version, config });
  const bytes = () => readFileSync(file, "utf8");
  const tools = async () => {
    await client?.close();
    client = await connectClient(url, key, `/mcp/${NAME}`);
    return (await client.listTools()).tools.map((tool) => tool.name);
  };
  const envOfProcess = async () => {
    await tools();
    const result = await client?.callTool({ name: "get-env", arguments: {} });
    return JSON.parse(textOf(result)) as Record<string, string>;
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "gumstack-config-"));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    // The sandbox shows a server its folder's node_modules: here, the repository's.
    symlinkSync(join(repoRoot, "node_modules"), join(folder, "node_modules"));
    file = join(folder, `${NAME}.yaml`);
    writeFileSync(file, FILE);

    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    cleanups.push(
      () => platform.close(),
      async () => platform.services.proxied.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    const registered = await as(admin, "POST", "/api/servers", { path: file });
    expect(registered.status).toBe(201);
    const variable = await as(admin, "PUT", `/api/servers/${NAME}/env/API_TOKEN`, {
      value: API_TOKEN,
    });
    expect(variable.status).toBe(201);
    const deployed = await as(admin, "POST", `/api/servers/${NAME}/deploy`);
    expect(deployed.status).toBe(200);
    const created = await as(admin, "POST", "/api/keys", { name: "mcp" });
    key = ((await created.json()) as { key: string }).key;
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("shows templates and masks literal values, with the version of the file's bytes", async () => {
    const response = await as(admin, "GET", `/api/servers/${NAME}/config`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({
      server: NAME,
      file,
      version: createHash("sha256").update(readFileSync(file)).digest("base64url"),
      config: {
        name: NAME,
        kind: "stdio",
        description: "server-everything, shared",
        command: "node",
        args: ["node_modules/@modelcontextprotocol/server-everything/dist/index.js", "stdio"],
        env: { LITERAL_SECRET: { set: true }, FROM_VARIABLE: "${API_TOKEN}" },
        cwd: null,
        auth: { type: "none", env: ["API_TOKEN"] },
        tools: { allow: [], deny: [], prefix: false },
        idleMinutes: 10,
        startSeconds: 120,
        maxProcesses: 20,
      },
    });
  });

  it("saves a change, keeping a masked value, and the running server gets both", async () => {
    expect(await tools()).toContain("get-sum");
    chmodSync(file, 0o640);
    const { version, config } = await read();
    const response = await save(version, {
      ...config,
      description: "server-everything, without get-sum",
      tools: { ...config.tools, deny: ["get-sum"] },
    });
    expect(response.status).toBe(200);
    const saved = (await response.json()) as ConfigBody;
    expect(saved.changed).toBe(true);
    expect(saved.config.env).toEqual({
      LITERAL_SECRET: { set: true },
      FROM_VARIABLE: "${API_TOKEN}",
    });
    expect(saved.version).toBe((await read()).version);
    expect(saved.version).not.toBe(version);
    // Only what changed is written: the literal and the comments stay as they were.
    expect(bytes()).toBe(
      FILE.replace("server-everything, shared", "server-everything, without get-sum").concat(
        "tools:\n  deny:\n    - get-sum\n",
      ),
    );
    // Replaced by a new file, with the old one's permissions.
    expect(statSync(file).mode & 0o777).toBe(0o640);
    // Deployed: the gateway no longer lists the denied tool; the process has the kept value.
    expect(await tools()).not.toContain("get-sum");
    const env = await envOfProcess();
    expect(env.LITERAL_SECRET).toBe(SECRET);
    expect(env.FROM_VARIABLE).toBe(API_TOKEN);
    expect(platform.lines.join("\n")).not.toContain(SECRET);
  }, 60_000);

  it("answers a save that changes nothing without writing or deploying", async () => {
    const before = bytes();
    const { version, config } = await read();
    const response = await save(version, config);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ changed: false, version });
    expect(bytes()).toBe(before);
  });

  it("refuses an unknown ${NAME} with 422 naming the field, and leaves the file as it was", async () => {
    const before = bytes();
    const { version, config } = await read();
    const response = await save(version, {
      ...config,
      env: { ...config.env, FROM_VARIABLE: "${NOT_DECLARED}" },
      idleMinutes: "soon",
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid_config");
    expect(body.error.fields).toEqual([
      { field: "idleMinutes", message: expect.stringMatching(/number/) },
    ]);
    expect(body.error.message).toMatch(/^config is invalid:\n {2}idleMinutes: /);
    // Templates are checked once the schema passes: the next try names the unknown variable.
    const again = await save(version, {
      ...config,
      env: { ...config.env, FROM_VARIABLE: "${NOT_DECLARED}", NEW: { set: true } },
    });
    expect(again.status).toBe(422);
    const fields = ((await again.json()) as ErrorBody).error.fields;
    expect(fields).toEqual([
      { field: "env.NEW", message: "has no stored value to keep: give its value" },
      {
        field: "env.FROM_VARIABLE",
        message: "${NOT_DECLARED} is not one of the server's variables",
      },
    ]);
    expect(bytes()).toBe(before);
  });

  it("refuses to change the kind, the auth type or the name (409), and a stale version (412)", async () => {
    const before = bytes();
    const { version, config } = await read();
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ...config, kind: "remote", url: "https://mcp.example.com/mcp" }, "kind_fixed", /^kind: /],
      [
        { ...config, auth: { type: "cred", fields: [{ name: "token" }] } },
        "auth_type_fixed",
        /^auth\.type: /,
      ],
      [{ ...config, name: "renamed" }, "name_fixed", /^name: /],
    ];
    for (const [changed, code, message] of cases) {
      const response = await save(version, changed);
      expect(response.status).toBe(409);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
    }
    const stale = await save(`${version.slice(1)}x`, { ...config, description: "late" });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as ErrorBody).error).toMatchObject({
      code: "version_mismatch",
      message: expect.stringMatching(/^version: /),
    });
    expect(bytes()).toBe(before);
  });

  it("restores the file and the running server when the new configuration does not start", async () => {
    const before = bytes();
    const { version, config } = await read();
    const response = await save(version, {
      ...config,
      args: ["-e", "process.exit(3)"],
      startSeconds: 5,
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("deploy_failed");
    expect(body.error.message).toMatch(/^the new configuration did not start: /);
    expect(body.error.message).toMatch(/The previous file is restored, and deployed again\.$/);
    expect(bytes()).toBe(before);
    expect((await read()).version).toBe(version);
    // What runs is the previous configuration: get-sum still denied, the secret still there.
    expect(await tools()).not.toContain("get-sum");
    expect((await envOfProcess()).LITERAL_SECRET).toBe(SECRET);
  }, 60_000);

  it("refuses to save into a folder that cannot be written (409), changing nothing", async () => {
    const before = bytes();
    const { version, config } = await read();
    const undo = readOnly(folder);
    try {
      const response = await save(version, { ...config, description: "not written" });
      expect(response.status).toBe(409);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({
        code: "config_read_only",
        message: expect.stringContaining("its folder must be writable by the platform"),
      });
    } finally {
      undo();
    }
    expect(bytes()).toBe(before);
    expect(readdirSync(folder).sort()).toEqual([`${NAME}.yaml`, "node_modules"]);
  });

  it("is for admins (403 otherwise), for their proxied servers (404 unknown, 409 hosted)", async () => {
    const member = await platform.signUp("member@example.com");
    for (const method of ["GET", "PUT"]) {
      const body = method === "PUT" ? { version: "v", config: {} } : undefined;
      const response = await as(member, method, `/api/servers/${NAME}/config`, body);
      expect(response.status).toBe(403);
      expect(((await response.json()) as ErrorBody).error.code).toBe("forbidden");
    }
    const unknown = await as(admin, "GET", "/api/servers/no-such-server/config");
    expect(unknown.status).toBe(404);
    // Another admin's server is as unknown as a missing one.
    const otherAdmin = await platform.signUpAdmin("other-admin@example.com");
    const notTheirs = await as(otherAdmin, "GET", `/api/servers/${NAME}/config`);
    expect(notTheirs.status).toBe(404);
    expect(((await notTheirs.json()) as ErrorBody).error.code).toBe("not_found");
    await platform.serverOf(admin, "hosted-one");
    const hosted = await as(admin, "GET", "/api/servers/hosted-one/config");
    expect(hosted.status).toBe(409);
    expect(((await hosted.json()) as ErrorBody).error).toMatchObject({
      code: "not_proxied",
      message: expect.stringContaining("gumstack.yaml is part of its code"),
    });
    const put = await as(admin, "PUT", "/api/servers/hosted-one/config", {
      version: "v",
      config: {},
    });
    expect(put.status).toBe(409);
  });
});

/**
 * A remote server's configuration: its literal header masked, kept by a save (the remote server
 * still receives it), and the dashboard's form for it, which never carries the header's value.
 */
describe(`editing a proxied remote server's configuration [${testDriver}]`, () => {
  const TOKEN = "remote-literal-token-5150";
  let platform: TestPlatform;
  let url: string;
  let admin: SignedIn;
  let guarded: GuardedServer;
  let file: string;
  let key = "";
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    const folder = mkdtempSync(join(tmpdir(), "gumstack-config-remote-"));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    guarded = await startGuardedServer({ token: TOKEN });
    cleanups.push(() => guarded.stop());
    file = join(folder, "vendor.yaml");
    writeFileSync(
      file,
      `name: vendor
kind: remote
url: ${guarded.url}
headers:
  Authorization: "Bearer ${TOKEN}"   # a literal: write-only
auth: { type: none }
startSeconds: 10
`,
    );
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url, proxied: { allowPrivateUrls: true } });
    cleanups.push(
      () => platform.close(),
      async () => platform.services.proxied.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    const registered = await callOver(url, admin, "POST", "/api/servers", { path: file });
    expect(await registered.json()).toMatchObject({ kind: "remote", problem: null });
    const created = await callOver(url, admin, "POST", "/api/keys", { name: "mcp" });
    key = ((await created.json()) as { key: string }).key;
  }, 60_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("masks the literal header, keeps it through a save, and the remote server still gets it", async () => {
    const read = await callOver(url, admin, "GET", "/api/servers/vendor/config");
    const text = await read.text();
    expect(text).not.toContain(TOKEN);
    const { version, config } = JSON.parse(text) as ConfigBody;
    expect(config).toMatchObject({
      kind: "remote",
      url: guarded.url,
      transport: "streamable-http",
      headers: { Authorization: { set: true } },
      timeoutSeconds: 60,
    });
    const saved = await callOver(url, admin, "PUT", "/api/servers/vendor/config", {
      version,
      config: { ...config, timeoutSeconds: 30, tools: { ...config.tools, deny: ["sleep"] } },
    });
    expect(saved.status).toBe(200);
    expect(readFileSync(file, "utf8")).toContain(`Authorization: "Bearer ${TOKEN}"   # a literal`);

    const seen = guarded.seen.length;
    const client = await connectClient(url, key, "/mcp/vendor");
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["echo"]);
    } finally {
      await client.close();
    }
    const after = guarded.seen.slice(seen);
    expect(after.length).toBeGreaterThan(0);
    for (const headers of after) expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
  }, 60_000);

  it("gives the dashboard's form the header as set, never its value", async () => {
    const page = await platform.call("GET", "/servers/vendor/config", { as: admin });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain(TOKEN);
    expect(html).toContain("set — leave empty to keep");
    expect(html).toContain('<select id="cfg-transport" name="transport"');
    expect(html).toContain('value="30"');
  });
});
