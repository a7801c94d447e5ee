import { GumstackHost } from "@gumstack/sdk";
import { hostEnvironment } from "@gumstack/sdk/testing";
import { conformanceServer } from "../server/index.js";
import { startAuthProxy } from "./auth-proxy.js";
import type { Target } from "./target.js";

/**
 * The conformance server in `GumstackHost.run()`, standalone (auth `none`), on the suite's
 * database, reached through the key-adding proxy. The proxy's origin is the host's configured
 * browser origin (GUMSTACK_MCP_ALLOWED_ORIGINS), as an operator lists a web client's.
 */
export async function startStandalone(): Promise<Target> {
  const proxy = await startAuthProxy();
  const { env, drop } = await hostEnvironment({
    GUMSTACK_MCP_ALLOWED_ORIGINS: proxy.url,
    GUMSTACK_LOG_LEVEL: "warn",
  });
  const host = new GumstackHost(
    conformanceServer(),
    { name: "conformance", auth: { type: "none" } },
    { env },
  );
  const running = await host.run([]);
  const { apiKey } = await host.addUser("conformance");
  proxy.point(running.url, apiKey);
  return {
    name: "GumstackHost.run()",
    url: `${proxy.url}/mcp`,
    async close() {
      await proxy.close();
      await running.close();
      await drop();
    },
  };
}
