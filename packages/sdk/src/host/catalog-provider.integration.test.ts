import { testDriver } from "@gumstack/db/testing";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterEach, describe, expect, it } from "vitest";
import { ServerConfigError } from "../errors.js";
import { capturingLogger, hostEnvironment } from "../testing/host-harness.js";
import { GumstackHost } from "./gumstack-host.js";

/** `provider: github` in gumstack.yaml, with no AuthProvider registered in code. */
describe(`a catalogue provider chosen by name [${testDriver}]`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function hostWith(env: Record<string, string>) {
    const { env: base, drop } = await hostEnvironment(env);
    cleanups.push(drop);
    const mcp = new McpServer({ name: "gh", version: "1.0.0" });
    return new GumstackHost(
      mcp,
      { name: "gh", auth: { type: "oauth", provider: "github", scopes: ["read:user"] } },
      { env: base, log: capturingLogger().log },
    );
  }

  it("is built from the server's variables, and its connect link goes to GitHub with them", async () => {
    const host = await hostWith({
      GITHUB_CLIENT_ID: "Iv1.test-client",
      GITHUB_CLIENT_SECRET: "shh",
    });
    const running = await host.run([]);
    cleanups.push(running.close);
    const { userId } = await host.addUser("ada");
    const services = await host.standaloneServices();
    const begun = await services.broker?.begin({
      userId,
      serverId: services.serverId,
      provider: "github",
      scopes: ["read:user"],
    });
    const url = begun?.url as URL;
    expect(`${url.origin}${url.pathname}`).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("Iv1.test-client");
    expect(url.searchParams.get("redirect_uri")).toBe(`${running.url}/auth/callback`);
    expect(url.searchParams.get("scope")?.split(" ")).toContain("read:user");
    expect(url.toString()).not.toContain("shh");
  });

  it("stops at start-up naming the variable that is missing", async () => {
    const host = await hostWith({ GITHUB_CLIENT_SECRET: "shh" });
    const started = host.run([]);
    await expect(started).rejects.toBeInstanceOf(ServerConfigError);
    await expect(started).rejects.toThrow(/auth\.provider github: .*GITHUB_CLIENT_ID/);
  });
});
