import { testDriver } from "@gumstack/db/testing";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { getCredentials } from "../get-credentials.js";
import {
  capturingLogger,
  connectClient,
  hostEnvironment,
  textOf,
} from "../testing/host-harness.js";
import { GumstackHost } from "./gumstack-host.js";

const API_TOKEN = "sk_live_4f9a8b7c6d5e4f3a2b1c";

describe(`standalone host, none and cred modes [${testDriver}]`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(
    mcp: McpServer,
    config: ConstructorParameters<typeof GumstackHost>[1],
    extraEnv: Record<string, string> = {},
  ) {
    const { env, drop } = await hostEnvironment(extraEnv);
    cleanups.push(drop);
    const { log, lines } = capturingLogger();
    const host = new GumstackHost(mcp, config, { env, log });
    const running = await host.run([]);
    cleanups.push(running.close);
    return { host, url: running.url, lines };
  }

  it("none: hands the tool the environment without GUMSTACK_ and GUMLOOP_ variables, synchronously", async () => {
    const mcp = new McpServer({ name: "env-demo", version: "1.0.0" });
    mcp.registerTool("show_env", { description: "which variables the tool sees" }, () => {
      const env = getCredentials("none");
      return { content: [{ type: "text", text: Object.keys(env).sort().join(",") }] };
    });
    mcp.registerTool(
      "leak",
      { description: "echoes a secret, which must not reach the model" },
      () => {
        const env = getCredentials("none");
        return { content: [{ type: "text", text: `the token is ${env.API_TOKEN}` }] };
      },
    );
    const { host, url, lines } = await serve(
      mcp,
      { name: "env-demo", auth: { type: "none", env: ["API_TOKEN"] } },
      { API_TOKEN, REGION: "eu", GUMLOOP_SECRET: "x", gumstack_lower: "y", Gumloop_Mixed: "z" },
    );
    const { apiKey } = await host.addUser("ada");
    const client = await connectClient(url, apiKey);
    cleanups.push(() => client.close());

    const listed = textOf(await client.callTool({ name: "show_env", arguments: {} }));
    expect(listed.split(",")).toEqual(expect.arrayContaining(["API_TOKEN", "REGION"]));
    expect(listed).not.toMatch(/gumstack|gumloop/i);

    const leaked = textOf(await client.callTool({ name: "leak", arguments: {} }));
    expect(leaked).toBe("the token is [redacted]");
    expect(lines.join("\n")).not.toContain(API_TOKEN);
    expect(lines.join("\n")).toContain("removed credentials from a tool's reply");
  });

  it("none: redaction is no oracle: an echoed guess reads the same whether or not it is a secret", async () => {
    const mcp = new McpServer({ name: "echo-demo", version: "1.0.0" });
    mcp.registerTool(
      "forecast",
      { description: "echoes its input", inputSchema: { city: z.string(), country: z.string() } },
      ({ city, country }) => {
        getCredentials("none");
        return { content: [{ type: "text", text: `Forecast for ${city}${country}` }] };
      },
    );
    mcp.registerTool("leak", { description: "leaks the key" }, () => ({
      content: [{ type: "text", text: `key ${getCredentials("none").API_TOKEN}` }],
    }));
    const { host, url } = await serve(
      mcp,
      { name: "echo-demo", auth: { type: "none" } },
      { API_TOKEN },
    );
    const { apiKey } = await host.addUser("eve");
    const client = await connectClient(url, apiKey);
    cleanups.push(() => client.close());
    const ask = async (city: string, country = "") =>
      textOf(await client.callTool({ name: "forecast", arguments: { city, country } }));
    // A wrong guess and the right one are both echoed: the reply tells the caller nothing.
    expect(await ask("wrong-guess-0000000")).toBe("Forecast for wrong-guess-0000000");
    expect(await ask(API_TOKEN)).toBe(`Forecast for ${API_TOKEN}`);
    // Split across arguments, in order, it is still the caller's own text.
    const half = Math.floor(API_TOKEN.length / 2);
    expect(await ask(API_TOKEN.slice(0, half), API_TOKEN.slice(half))).toBe(
      `Forecast for ${API_TOKEN}`,
    );
    // What the caller did not send is still removed, a prefix of it sent or not.
    expect(await ask(API_TOKEN.slice(0, 6))).toBe(`Forecast for ${API_TOKEN.slice(0, 6)}`);
    expect(textOf(await client.callTool({ name: "leak", arguments: {} }))).toBe("key [redacted]");
  });

  it("refuses MCP calls without a valid API key, with WWW-Authenticate", async () => {
    const mcp = new McpServer({ name: "locked", version: "1.0.0" });
    const { url } = await serve(mcp, { name: "locked", auth: { type: "none" } });
    for (const authorization of [
      undefined,
      "Bearer gsk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "Basic abc",
    ]) {
      const response = await fetch(`${url}/mcp`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="locked"');
    }
  });

  it("cred: asks for the form, takes the values through it, and hands them to the tool", async () => {
    const mcp = new McpServer({ name: "crm", version: "1.0.0" });
    mcp.registerTool("whoami", { description: "uses the user's API key" }, async () => {
      const values = await getCredentials("cred");
      return {
        content: [
          {
            type: "text",
            text: `workspace ${values.workspace} with a key of ${values.api_key?.length} characters`,
          },
        ],
      };
    });
    const { host, url, lines } = await serve(mcp, {
      name: "crm",
      auth: {
        type: "cred",
        fields: [
          { name: "api_key", label: "API key", placeholder: "crm_live_…" },
          { name: "workspace", label: "Workspace", secret: false },
        ],
      },
    });
    const { apiKey } = await host.addUser("grace");
    const client = await connectClient(url, apiKey);
    cleanups.push(() => client.close());

    const first = await client.callTool({ name: "whoami", arguments: {} });
    expect(first.isError).toBe(true);
    const formUrl = /(http:\/\/\S+\/auth\/form\?ticket=\S+)/.exec(textOf(first))?.[1];
    expect(formUrl).toBeDefined();

    const form = await fetch(formUrl as string);
    const page = await form.text();
    expect(page).toContain('type="password"');
    expect(page).toContain("For the account <strong>grace</strong>");
    expect(form.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(form.headers.get("x-frame-options")).toBe("DENY");
    expect(page).toContain('name="workspace" type="text"');
    const ticket = /name="ticket" value="([^"]+)"/.exec(page)?.[1] as string;

    // Posted from another site (a hidden form): refused before anything is read.
    const foreign = await fetch(`${url}/auth/form`, {
      method: "POST",
      headers: { origin: "http://evil.example" },
      body: new URLSearchParams({ ticket, api_key: "from elsewhere", workspace: "evil" }),
    });
    expect(foreign.status).toBe(403);

    const missing = await fetch(`${url}/auth/form`, {
      method: "POST",
      body: new URLSearchParams({ ticket, workspace: "acme" }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("API key is required");

    const secret = "crm_live_0123456789abcdef";
    const saved = await fetch(`${url}/auth/form`, {
      method: "POST",
      body: new URLSearchParams({ ticket, api_key: secret, workspace: "acme" }),
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("For the account <strong>grace</strong>");
    const again = await fetch(formUrl as string);
    expect(await again.text()).not.toContain(secret);
    // A link saves once: used again (forwarded, replayed), it changes nothing.
    const replayed = await fetch(`${url}/auth/form`, {
      method: "POST",
      body: new URLSearchParams({ ticket, api_key: "overwritten_by_someone", workspace: "evil" }),
    });
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain("already used");

    const second = await client.callTool({ name: "whoami", arguments: {} });
    expect(textOf(second)).toBe(`workspace acme with a key of ${secret.length} characters`);
    expect(lines.join("\n")).not.toContain(secret);
  });

  it("never crosses users: concurrent calls each get their own user's values", async () => {
    const mcp = new McpServer({ name: "crm3", version: "1.0.0" });
    mcp.registerTool("workspace", { description: "the user's workspace" }, async () => {
      const { workspace } = await getCredentials("cred");
      // Interleave the calls: each waits a little before answering.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      return { content: [{ type: "text", text: String(workspace) }] };
    });
    const { host, url } = await serve(mcp, {
      name: "crm3",
      auth: { type: "cred", fields: [{ name: "workspace", secret: false }] },
    });
    const users = await Promise.all(["ada", "grace", "linus"].map((name) => host.addUser(name)));
    const services = await host.standaloneServices();
    const { saveFieldValues } = await import("@gumstack/runtime");
    for (const [i, user] of users.entries()) {
      await saveFieldValues(
        services.store.database.db,
        services.store.vault,
        user.userId,
        services.serverId,
        {
          workspace: `workspace-${i}`,
        },
      );
    }
    const clients = await Promise.all(users.map((u) => connectClient(url, u.apiKey)));
    cleanups.push(async () => {
      for (const client of clients) await client.close();
    });
    const answers = await Promise.all(
      clients.flatMap((client, i) =>
        Array.from(
          { length: 20 },
          async () =>
            [i, textOf(await client.callTool({ name: "workspace", arguments: {} }))] as const,
        ),
      ),
    );
    expect(answers).toHaveLength(60);
    for (const [i, text] of answers) expect(text).toBe(`workspace-${i}`);
  });

  it("stops start-up when the auth type changes after data was stored, leaving the store usable", async () => {
    const { env, drop } = await hostEnvironment();
    cleanups.push(drop);
    const credConfig = {
      name: "switcher",
      auth: { type: "cred" as const, fields: [{ name: "api_key" }] },
    };
    const first = new GumstackHost(new McpServer({ name: "s", version: "1" }), credConfig, {
      env,
      log: capturingLogger().log,
    });
    const { userId } = await first.addUser("ada");
    const services = await first.standaloneServices();
    const { saveFieldValues } = await import("@gumstack/runtime");
    await saveFieldValues(
      services.store.database.db,
      services.store.vault,
      userId,
      services.serverId,
      { api_key: "k" },
    );
    await first.close();

    const changed = new GumstackHost(
      new McpServer({ name: "s", version: "1" }),
      { name: "switcher", auth: { type: "none" } },
      { env, log: capturingLogger().log },
    );
    await expect(changed.run([])).rejects.toThrow(
      /stores cred data, so its auth type cannot become "none"/,
    );

    const again = new GumstackHost(new McpServer({ name: "s", version: "1" }), credConfig, {
      env,
      log: capturingLogger().log,
    });
    const running = await again.run([]);
    await running.close();
  });

  it("cred: refuses a forged or foreign form ticket and stores nothing", async () => {
    const mcp = new McpServer({ name: "crm2", version: "1.0.0" });
    const { url } = await serve(mcp, {
      name: "crm2",
      auth: { type: "cred", fields: [{ name: "api_key" }] },
    });
    const forged = await fetch(`${url}/auth/form`, {
      method: "POST",
      body: new URLSearchParams({ ticket: "eyJ4Ijoi.k1.abc", api_key: "x" }),
    });
    expect(forged.status).toBe(400);
    expect((await fetch(`${url}/auth/form?ticket=nope`)).status).toBe(400);
  });
});
