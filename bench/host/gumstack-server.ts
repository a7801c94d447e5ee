// Ours: the same tool behind GumstackHost, which authenticates every request with an API key (a
// database lookup) and serves it statelessly from one connected McpServer.
// Usage: gumstack-server.ts <data dir>. DATABASE_URL and GUMSTACK_VAULT_KEYS, when set, are passed
// on, to measure on Postgres instead of embedded PGlite.
import { GumstackHost } from "@gumstack/sdk";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { announce, exitWithParent } from "./child.js";
import { registerEcho } from "./echo-tool.js";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: gumstack-server.ts <data dir>");

const mcp = new McpServer({ name: "bench", version: "1.0.0" });
registerEcho(mcp);
const env: Record<string, string> = {
  GUMSTACK_HOST: "127.0.0.1",
  GUMSTACK_PORT: "0",
  GUMSTACK_DATA_DIR: dataDir,
  GUMSTACK_LOG_LEVEL: "warn",
};
for (const name of ["DATABASE_URL", "GUMSTACK_VAULT_KEYS"]) {
  const value = process.env[name];
  if (value) env[name] = value;
}
const host = new GumstackHost(mcp, { name: "bench", auth: { type: "none" } }, { env });
const running = await host.run([]);
const { apiKey } = await host.addUser("bench");
const services = await host.standaloneServices();
announce({
  url: `${running.url}/mcp`,
  headers: { authorization: `Bearer ${apiKey}` },
  driver: services.store.database.driver,
});
exitWithParent(() => running.close());
