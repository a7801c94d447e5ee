import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "@gumstack/log";
import type { AuthProvider } from "@gumstack/oauth";
import {
  answerProviderCall,
  BODY_LIMITS,
  completedRequestSchema,
  describeProvider,
  INTERNAL_PATHS,
} from "@gumstack/runtime/internal-api";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ServerConfig } from "../config.js";
import { contextAuthenticator, contextChallenge } from "./context-auth.js";
import type { HostedCredentialSource } from "./hosted-source.js";
import { handleMcpRequest, type McpEndpoint } from "./streamable/endpoint.js";
import { type FetchApp, type McpRequest, mcpBelow, mcpRequestOf } from "./streamable/request.js";
import type { Router } from "./streamable/router.js";
import type { Sessions } from "./streamable/sessions.js";
import type { UrlElicitations } from "./url-elicitations.js";

export interface HostedOptions {
  config: ServerConfig;
  serverId: string;
  runtimeSecret: string;
  router: Router;
  sessions: Sessions;
  source: HostedCredentialSource;
  /** Links handed out as URL elicitations; the platform says when the user finished one. */
  elicitations: UrlElicitations;
  /** An oauth server's provider: the platform's broker calls it through /internal/auth. */
  provider: AuthProvider | undefined;
  log: Logger;
  now: () => number;
}

const tooLarge = (c: Context, limit: number) =>
  c.json({ error: { code: "payload_too_large", message: `body: at most ${limit} bytes` } }, 413);

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * What a hosted server serves: /mcp, to the platform's gateway only (a request without a valid
 * context for this server is refused), /healthz for the runner and, for an oauth server,
 * /internal/auth: the platform's broker runs the provider's calls here, where the provider's
 * code and client secret are, while state, tokens and refresh stay on the platform.
 */
export function createHostedApp(o: HostedOptions): FetchApp {
  const endpoint: McpEndpoint = {
    router: o.router,
    sessions: o.sessions,
    serverId: o.serverId,
    source: o.source,
    log: o.log,
    challenge: contextChallenge(o.config.name),
    authenticate: contextAuthenticator(o),
  };
  const app = new Hono();
  const mcp = (request: McpRequest) => handleMcpRequest(endpoint, request);
  app.all("/mcp", (c) => mcp(mcpRequestOf(c)));
  const expected = digest(`Bearer ${o.runtimeSecret}`);
  app.use("/internal/*", async function onlyThePlatform(c, next) {
    // Only the platform knows this server's runtime secret.
    if (!timingSafeEqual(digest(c.req.header("authorization") ?? ""), expected)) {
      return c.json({ error: { code: "unauthorized", message: "not the platform" } }, 401);
    }
    return next();
  });
  app.post(
    INTERNAL_PATHS.completed,
    bodyLimit({
      maxSize: BODY_LIMITS.completed,
      onError: (c) => tooLarge(c, BODY_LIMITS.completed),
    }),
    async (c) => {
      const read = completedRequestSchema.safeParse(await c.req.json().catch(() => null));
      if (!read.success)
        return c.json(
          { error: { code: "bad_request", message: "userId: must be a user id" } },
          400,
        );
      await o.elicitations.completed(read.data.userId);
      return c.body(null, 204);
    },
  );
  const { provider } = o;
  if (provider) {
    app.get(INTERNAL_PATHS.auth, (c) => c.json(describeProvider(provider)));
    app.post(
      INTERNAL_PATHS.auth,
      bodyLimit({
        maxSize: BODY_LIMITS.auth,
        onError: (c) => tooLarge(c, BODY_LIMITS.auth),
      }),
      async (c) => {
        const answer = await answerProviderCall(provider, await c.req.json().catch(() => null));
        return c.json(answer.body, answer.status);
      },
    );
  }
  app.get("/healthz", (c) =>
    c.json({ status: "ok", server: o.config.name, auth: o.config.auth.type, mode: "hosted" }),
  );
  return mcpBelow(app, mcp, (error) => o.log.error("unhandled error on /mcp", { error }));
}
