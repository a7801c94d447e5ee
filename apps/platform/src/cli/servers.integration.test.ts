import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";

const exampleProxied = fileURLToPath(new URL("apps/example-proxied", `file://${repoRoot}`));
const cli = fileURLToPath(new URL("apps/platform/src/cli.ts", `file://${repoRoot}`));
const PASSWORD = "correct horse battery";

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** `gumstack <args>` as an operator runs it: its own process, talking to the platform's API. */
function gumstack(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(
    process.execPath,
    ["--conditions=gumstack-source", "--import", "tsx", cli, ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gumstack ${args.join(" ")} did not end within 120 s:\n${out}\n${err}`));
    }, 120_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe(`gumstack servers … against a running platform [${testDriver}]`, () => {
  let platform: TestPlatform;
  let stop: () => Promise<void>;
  let url: string;
  let admin: SignedIn;
  let env: Record<string, string>;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    stop = await platform.listen();
    admin = await platform.signUpAdmin("admin@example.com");
    env = {
      GUMSTACK_URL: url,
      GUMSTACK_ADMIN_EMAIL: "admin@example.com",
      GUMSTACK_ADMIN_PASSWORD: PASSWORD,
    };
  });
  afterAll(async () => {
    await stop?.();
    await platform?.services.runner.close();
    platform?.services.proxied.close();
    await platform?.close();
  });

  it("adds a proxied server from its folder, lists it, lists its tools and removes it", async () => {
    const added = await gumstack(["servers", "add", exampleProxied], env);
    expect(added).toMatchObject({ code: 0, err: "" });
    expect(added.out).toContain(
      `example-proxied: registered (stdio, auth cred) at ${url}/mcp/example-proxied`,
    );
    expect(added.out).toContain("status: per_user");

    const listed = await gumstack(["servers", "list"], env);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain("example-proxied\tstdio\tcred\tper_user (0 running)");

    // Its tools come from the admin's own process, which needs the admin's value first.
    const saved = await callOver(url, admin, "PUT", "/api/servers/example-proxied/credentials", {
      values: { notebook: "admin" },
    });
    expect(saved.status).toBe(200);
    const tools = await gumstack(["servers", "tools", "example-proxied"], env);
    expect(tools.code).toBe(0);
    expect(tools.out).toMatch(/^read_graph\t/m);
    expect(tools.out).toMatch(/^create_entities\t/m);

    const removed = await gumstack(["servers", "remove", "example-proxied"], env);
    expect(removed).toMatchObject({ code: 0, out: "example-proxied: removed\n" });
    expect((await gumstack(["servers", "list"], env)).out).toBe("no servers registered\n");
  });

  it("says what is wrong: a wrong password, an unknown server, a missing argument", async () => {
    const wrong = await gumstack(["servers", "list"], { ...env, GUMSTACK_ADMIN_PASSWORD: "nope" });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("sign-in: wrong email or password (401)");
    expect(wrong.err).not.toContain("nope");
    const unknown = await gumstack(["servers", "remove", "nothing-here"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("no server named nothing-here");
    const missing = await gumstack(["servers", "add"], env);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("servers add needs a file or folder");
  });
});
