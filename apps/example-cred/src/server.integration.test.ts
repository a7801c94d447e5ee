import { connectClient, hostEnvironment, startExampleProcess, textOf } from "@gumstack/sdk/testing";
import { afterAll, describe, expect, it } from "vitest";

describe("example-cred, run as its own process", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("sends the user to its form, then uses what they entered", async () => {
    const { env, drop } = await hostEnvironment();
    cleanups.push(drop);
    const server = await startExampleProcess("apps/example-cred/src/server.ts", env);
    cleanups.push(server.stop);
    const client = await connectClient(server.url, server.apiKey);
    cleanups.push(() => client.close());

    const first = await client.callTool({ name: "workspace_info", arguments: {} });
    expect(first.isError).toBe(true);
    const form = /(http:\/\/\S+\/auth\/form\?ticket=\S+)/.exec(textOf(first))?.[1] as string;
    const page = await (await fetch(form)).text();
    expect(page).toContain("CRM API key");
    expect(page).toContain('placeholder="crm_live_…"');
    const ticket = /name="ticket" value="([^"]+)"/.exec(page)?.[1] as string;
    const saved = await fetch(`${server.url}/auth/form`, {
      method: "POST",
      body: new URLSearchParams({ ticket, api_key: "crm_live_secret_value", workspace: "acme" }),
    });
    expect(saved.status).toBe(200);

    const second = await client.callTool({ name: "workspace_info", arguments: {} });
    expect(textOf(second)).toMatch(/^Workspace acme, key fingerprint [0-9a-f]{8}$/);
    expect(server.output()).not.toContain("crm_live_secret_value");
  });
});
