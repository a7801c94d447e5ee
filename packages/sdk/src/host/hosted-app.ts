import type { Logger } from "@gumstack/log";
import { CONTEXT_HEADER, readContext } from "@gumstack/runtime";
import { Hono } from "hono";
import type { ServerConfig } from "../config.js";
import type { HostedCredentialSource } from "./hosted-source.js";
import { handleMcpRequest, type McpEndpoint } from "./mcp-endpoint.js";
import type { MultiplexTransport } from "./multiplex-transport.js";

export interface HostedOptions {
  config: ServerConfig;
  serverId: string;
  runtimeSecret: string;
  transport: MultiplexTransport;
  source: HostedCredentialSource;
  log: Logger;
  now: () => number;
}

/**
 * What a hosted server serves: /mcp, to the platform's gateway only (a request without a valid
 * context for this server is refused), and /healthz for the runner. Users, credentials and the
 * OAuth flow live on the platform.
 */
export function createHostedApp(o: HostedOptions): Hono {
  const endpoint: McpEndpoint = {
    transport: o.transport,
    serverId: o.serverId,
    source: o.source,
    log: o.log,
    challenge: `Gumstack-Context realm="${o.config.name}"`,
    authenticate: async (request) => {
      const context = request.headers.get(CONTEXT_HEADER) ?? undefined;
      const read = readContext(o.runtimeSecret, context, o.serverId, o.now());
      if ("problem" in read) {
        o.log.warn("refused a request without a valid platform context", { problem: read.problem });
        return null;
      }
      return { userId: read.userId, ...(context === undefined ? {} : { context }) };
    },
  };
  const app = new Hono();
  app.all("/mcp", (c) => handleMcpRequest(endpoint, c.req.raw));
  app.get("/healthz", (c) =>
    c.json({ status: "ok", server: o.config.name, auth: o.config.auth.type, mode: "hosted" }),
  );
  return app;
}
