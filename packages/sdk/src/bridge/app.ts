import type { Logger } from "@gumstack/log";
import { Hono } from "hono";
import type { CallContext, CredentialSource } from "../context.js";
import { contextAuthenticator, contextChallenge } from "../host/context-auth.js";
import { handleMcpRequest, type McpEndpoint } from "../host/streamable/endpoint.js";
import { jsonRpcError } from "../host/streamable/http.js";
import {
  type FetchApp,
  type McpRequest,
  mcpBelow,
  mcpRequestOf,
} from "../host/streamable/request.js";
import type { Router } from "../host/streamable/router.js";
import type { Sessions } from "../host/streamable/sessions.js";
import type { BridgeSettings } from "./settings.js";

export interface BridgeAppOptions {
  settings: BridgeSettings;
  router: Router;
  sessions: Sessions;
  log: Logger;
  now: () => number;
  /** The child initialized and still there. */
  ready: () => boolean;
}

/**
 * A proxied server's credentials are in its command's environment, put there by the platform:
 * the bridge runs no tool code of ours that could ask for any.
 */
const noCredentials: CredentialSource = {
  authType: "none",
  oauth: () =>
    Promise.reject(new Error("a proxied server gets its credentials from its environment")),
  cred: () =>
    Promise.reject(new Error("a proxied server gets its credentials from its environment")),
  env: (_: CallContext) => ({}),
};

/**
 * What a bridge process serves: /mcp to the platform's gateway (a request without a valid context
 * for this server is refused, as a hosted server's is; a per-user process also refuses any other
 * user's), and /healthz for the runner: 503 until the child is initialized, 200 after.
 */
export function createBridgeApp(o: BridgeAppOptions): FetchApp {
  const { spec, hosted } = o.settings;
  const verify = contextAuthenticator({ ...hosted, log: o.log, now: o.now });
  const endpoint: McpEndpoint = {
    router: o.router,
    sessions: o.sessions,
    serverId: hosted.serverId,
    source: noCredentials,
    log: o.log,
    challenge: contextChallenge(spec.name),
    authenticate: async function authenticateForProcess(request) {
      const identity = await verify(request);
      if (identity === null || "refused" in identity || spec.user === undefined) return identity;
      // Defence in depth: the gateway sends only this user's requests here.
      if (identity.userId === spec.user) return identity;
      o.log.warn("refused another user's request on a per-user process");
      return { refused: "this server's process serves another user" };
    },
  };
  const mcp = (request: McpRequest) =>
    o.ready()
      ? handleMcpRequest(endpoint, request)
      : jsonRpcError(503, -32000, "Service Unavailable: the server is starting", {
          "retry-after": "1",
        });
  const app = new Hono();
  app.all("/mcp", (c) => mcp(mcpRequestOf(c)));
  app.get("/healthz", (c) =>
    c.json(
      { status: o.ready() ? "ok" : "starting", server: spec.name, mode: "proxied" },
      o.ready() ? 200 : 503,
    ),
  );
  return mcpBelow(app, mcp, (error) => o.log.error("unhandled error on /mcp", { error }));
}
