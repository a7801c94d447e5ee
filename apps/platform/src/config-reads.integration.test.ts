import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Id } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import { connectClient, freePort, textOf } from "@gumstack/sdk/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerServer } from "./servers/register.js";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "./testing/api-client.js";

// Every read of a gumstack.yaml by this process (the platform: the servers are processes of
// their own, which read theirs), whichever module reads it and however.
const reads = vi.hoisted(() => ({ yaml: [] as string[] }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const readFileSync = ((path: Parameters<typeof fs.readFileSync>[0], ...rest: never[]) => {
    if (String(path).endsWith("gumstack.yaml")) reads.yaml.push(String(path));
    return fs.readFileSync(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, readFileSync, default: { ...fs, readFileSync } };
});
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const readFile = ((path: Parameters<typeof fs.readFile>[0], ...rest: never[]) => {
    if (String(path).endsWith("gumstack.yaml")) reads.yaml.push(String(path));
    return fs.readFile(path, ...rest);
  }) as typeof fs.readFile;
  return { ...fs, readFile, default: { ...fs, readFile } };
});

const example = (name: string) =>
  fileURLToPath(new URL(`apps/example-${name}`, `file://${repoRoot}`));

/**
 * A deployment carries its config: the gumstack.yaml is read when a server is registered and
 * deployed, and never while serving. The servers here run for real (the local runner).
 */
describe(`serving reads no server's gumstack.yaml [${testDriver}]`, () => {
  let platform: TestPlatform;
  let as: TestAuthServer;
  let url: string;
  let admin: SignedIn;
  let ada: SignedIn;
  const cleanups: Array<() => Promise<void>> = [];
  const api = (who: SignedIn, method: string, path: string, body?: unknown) =>
    callOver(url, who, method, path, body);

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    as = await startTestAuthServer({ redirectUris: [`${url}/auth/callback`] });
    cleanups.push(() => as.close());
    platform = await testPlatform({ publicUrl: url });
    cleanups.push(
      () => platform.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    ada = await platform.signUp("ada@example.com");
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("lists a registered server with no successful deployment, without a description", async () => {
    // example-oauth cannot start before its provider's variables are set.
    const registered = await api(admin, "POST", "/api/servers", { path: example("oauth") });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({
      name: "example-oauth",
      description: null,
      problem: expect.stringContaining("OIDC"),
    });
    const { servers } = (await (await api(ada, "GET", "/api/servers")).json()) as {
      servers: Array<{ name: string; description: string | null; status: string }>;
    };
    expect(servers).toEqual([
      expect.objectContaining({ name: "example-oauth", description: null, status: "failed" }),
    ]);
  });

  it("reads each file when registering and deploying, and not once in a burst of calls and listings", async () => {
    for (const [name, value] of Object.entries({
      OIDC_ISSUER: as.issuer,
      OIDC_CLIENT_ID: as.clientId,
      OIDC_CLIENT_SECRET: as.clientSecret,
    })) {
      await api(admin, "PUT", `/api/servers/example-oauth/env/${name}`, { value });
    }
    expect((await api(admin, "POST", "/api/servers/example-oauth/deploy")).status).toBe(200);
    for (const name of ["cred", "none"]) {
      expect((await api(admin, "POST", "/api/servers", { path: example(name) })).status).toBe(201);
    }
    // The files were read (so this test sees reads): once per registration and per deploy.
    expect(reads.yaml.filter((p) => p.includes("example-oauth"))).toHaveLength(2);
    expect(reads.yaml.filter((p) => p.includes("example-cred"))).toHaveLength(1);
    reads.yaml.length = 0;

    const { key } = (await (await api(ada, "POST", "/api/keys", { name: "mcp" })).json()) as {
      key: string;
    };
    const clients: Client[] = [];
    const clientOf = async (server: string) => {
      const client = await connectClient(url, key, `/mcp/${server}`);
      clients.push(client);
      return client;
    };
    try {
      const [cred, none, oauth] = await Promise.all(
        ["example-cred", "example-none", "example-oauth"].map(clientOf),
      );
      if (!cred || !none || !oauth) throw new Error("unreachable");
      const info = () => cred.callTool({ name: "workspace_info", arguments: {} });
      const asked = await Promise.all(Array.from({ length: 10 }, info));
      expect(asked.every((r) => r.isError === true)).toBe(true);
      const link = /(http:\/\/\S+\/auth\/form\/example-cred\?ticket=\S+)/.exec(
        textOf(asked[0]),
      )?.[1] as string;
      // In the browser of the user the link was made for, signed in.
      const cookie = { cookie: ada.cookie };
      const page = await (await fetch(link, { headers: cookie })).text();
      const ticket = /name="ticket" value="([^"]+)"/.exec(page)?.[1] as string;
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;
      const saved = await fetch(`${url}/auth/form/example-cred`, {
        method: "POST",
        headers: cookie,
        body: new URLSearchParams({
          ticket,
          csrf,
          api_key: "crm_live_burst_0001",
          workspace: "acme",
        }),
      });
      expect(saved.status).toBe(200);
      const answered = await Promise.all(Array.from({ length: 10 }, info));
      expect(answered.map(textOf)).toEqual(
        Array(10).fill(expect.stringMatching(/^Workspace acme, key fingerprint /)),
      );
      const forecasts = await Promise.all(
        Array.from({ length: 10 }, () =>
          none.callTool({ name: "forecast", arguments: { city: "Oslo" } }),
        ),
      );
      expect(forecasts.every((r) => !r.isError)).toBe(true);
      const whoami = await oauth.callTool({ name: "whoami", arguments: {} });
      expect(textOf(whoami)).toContain("/auth/start/example-oauth?ticket=");
      const start = await api(ada, "GET", "/auth/start/example-oauth");
      expect(start.status).toBe(302);
      expect(start.headers.get("location")).toContain(as.issuer);

      for (let i = 0; i < 5; i++) {
        const listed = await api(ada, "GET", "/api/servers");
        const { servers } = (await listed.json()) as {
          servers: Array<{ name: string; description: string | null }>;
        };
        expect(servers.map((s) => [s.name, s.description])).toEqual([
          ["example-cred", "Looks up a CRM workspace with the user's own API key."],
          ["example-none", "Reports the weather service configuration it was deployed with."],
          ["example-oauth", "Tells you who you are at the connected identity provider."],
        ]);
      }
      for (const path of [
        "/api/servers/example-cred",
        "/api/servers/example-oauth",
        "/api/servers/example-cred/credentials",
        "/api/servers/example-oauth/connections",
        "/api/servers/example-none/tools",
        "/",
        "/servers/example-cred",
        "/servers/example-oauth",
      ]) {
        expect((await api(ada, "GET", path)).status, path).toBe(200);
      }
      const put = await api(ada, "PUT", "/api/servers/example-cred/credentials", {
        values: { workspace: "beta" },
      });
      expect(put.status).toBe(200);
    } finally {
      for (const client of clients) await client.close();
    }
    expect(reads.yaml).toEqual([]);
  });

  it("refuses a deploy whose gumstack.yaml now says another auth type, as registering does", async () => {
    const folder = mkdtempSync(join(tmpdir(), "gumstack-retyped-"));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    mkdirSync(join(folder, "src"));
    writeFileSync(join(folder, "src", "server.ts"), "// never started: the deploy is refused\n");
    const yaml = (type: string) =>
      writeFileSync(
        join(folder, "gumstack.yaml"),
        `name: retyped\nauth:\n  type: ${type}\n${type === "cred" ? "  fields: [{ name: api_key }]\n" : ""}`,
      );
    yaml("none");
    await registerServer(platform.services, folder, admin.userId as Id<"user">);
    yaml("cred");
    const refused = await api(admin, "POST", "/api/servers/retyped/deploy");
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: {
        code: "auth_type_fixed",
        message: expect.stringContaining("created with auth type none"),
      },
    });
    expect(await (await api(admin, "GET", "/api/servers/retyped")).json()).toMatchObject({
      authType: "none",
      status: "not_deployed",
      description: null,
    });
  });
});
