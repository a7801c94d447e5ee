import type { IncomingMessage, ServerResponse } from "node:http";
import { flowPageHeaders } from "@gumstack/runtime";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { registerAuthorize } from "./authorization/authorize.js";
import { registerClientRoutes } from "./authorization/clients/index.js";
import { registerConnectedAppsList } from "./authorization/connected-apps-list.js";
import { registerConnectedAppsRevoke } from "./authorization/connected-apps-revoke.js";
import { registerMetadata } from "./authorization/metadata.js";
import { registerRevoke } from "./authorization/revoke.js";
import { registerTokenEndpoint } from "./authorization/token-endpoint.js";
import { limitBodies } from "./body.js";
import { registerDashboard } from "./dashboard/index.js";
import type { AppEnv, Services } from "./env.js";
import { notFound, onError } from "./errors.js";
import { createGateway } from "./gateway/handler.js";
import { sameOriginWrites } from "./middleware/same-origin.js";
import { registerApiKeysCreate } from "./routes/api-keys-create.js";
import { registerApiKeysList } from "./routes/api-keys-list.js";
import { registerApiKeysRevoke } from "./routes/api-keys-revoke.js";
import { registerAuthForm } from "./routes/auth-form.js";
import { registerOAuthFlow } from "./routes/auth-oauth.js";
import { registerPasswordChange } from "./routes/auth-password.js";
import { registerSignIn } from "./routes/auth-sign-in.js";
import { registerSignOut } from "./routes/auth-sign-out.js";
import { registerSignUp } from "./routes/auth-sign-up.js";
import { registerConnections } from "./routes/connections.js";
import { registerCredentials } from "./routes/credentials.js";
import { registerDeployments } from "./routes/deployments.js";
import { registerEnvDelete } from "./routes/env-delete.js";
import { registerEnvList } from "./routes/env-list.js";
import { registerEnvPut } from "./routes/env-put.js";
import { registerHealthz } from "./routes/healthz.js";
import { registerInternalActivity } from "./routes/internal-activity.js";
import { registerInternalCredentials } from "./routes/internal-credentials.js";
import { registerInvites } from "./routes/invites.js";
import { registerMe } from "./routes/me.js";
import { registerServerActivity } from "./routes/server-activity.js";
import { registerServerConfig } from "./routes/server-config.js";
import { registerServerDeploy } from "./routes/server-deploy.js";
import { registerServerGet } from "./routes/server-get.js";
import { registerServerProcesses } from "./routes/server-processes.js";
import { registerServerRemove } from "./routes/server-remove.js";
import { registerServerTools } from "./routes/server-tools.js";
import { registerServersList } from "./routes/servers-list.js";
import { registerServersRegister } from "./routes/servers-register.js";

/**
 * Every route the platform serves, wired here in one place, in the order a request meets them:
 *
 * 1. `/mcp/<server>`, the MCP gateway (gateway/handler.ts), mounted below the framework, on
 *    node:http itself: every MCP call passes here and is relayed as bytes to the server's process,
 *    and building a Request and a Response for each was most of the gateway's cost
 *    (`npm run bench:gateway` measures it). It refuses other sites' pages, authenticates the API key, signs the request's
 *    context and relays; any other path falls through to:
 * 2. the Hono app (`createApp` below): the JSON API, the internal API for hosted servers, the
 *    browser's OAuth and form pages, and the dashboard.
 */
export function createListener(
  services: Services,
): (req: IncomingMessage, res: ServerResponse) => void {
  const gateway = createGateway(services);
  const app = getRequestListener(createApp(services).fetch);
  return (req, res) => {
    if (!gateway(req, res)) void app(req, res);
  };
}

/** Every route but the gateway: the Hono app of createListener's second step. */
export function createApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(limitBodies());
  app.use(sameOriginWrites(services.publicUrl));
  app.use("/auth/*", flowPageHeaders());
  app.use(async function provideServices(c, next) {
    c.set("database", services.database);
    c.set("vault", services.vault);
    c.set("log", services.log);
    c.set("migration", services.migration);
    c.set("publicUrl", services.publicUrl);
    c.set("now", services.now);
    c.set("runner", services.runner);
    c.set("proxied", services.proxied);
    c.set("apiKeys", services.apiKeys);
    c.set("mcpTokens", services.mcpTokens);
    c.set("clients", services.clients);
    c.set("clock", services.clock);
    c.set("broker", services.broker);
    c.set("providers", services.providers);
    c.set("mcpOrigins", services.mcpOrigins);
    c.set("trustProxy", services.trustProxy);
    c.set("throttle", services.throttle);
    c.set("limits", services.limits);
    c.set("deployed", services.deployed);
    c.set("resolver", services.resolver);
    await next();
  });
  registerHealthz(app);
  registerSignUp(app);
  registerSignIn(app);
  registerSignOut(app);
  registerMe(app);
  registerPasswordChange(app);
  registerInvites(app);
  registerApiKeysList(app);
  registerApiKeysCreate(app);
  registerApiKeysRevoke(app);
  registerServersList(app);
  registerServersRegister(app);
  registerServerGet(app);
  registerServerRemove(app);
  registerServerProcesses(app);
  registerServerDeploy(app);
  registerServerConfig(app);
  registerServerActivity(app);
  registerEnvList(app);
  registerEnvPut(app);
  registerEnvDelete(app);
  // What hosted servers' processes call, with their runtime secret.
  registerInternalCredentials(app);
  registerInternalActivity(app);
  registerAuthForm(app);
  registerOAuthFlow(app);
  registerConnections(app);
  registerCredentials(app);
  registerServerTools(app);
  registerDeployments(app);
  registerClientRoutes(app);
  // MCP clients' authorization (OAuth 2.1): the consent flow, and the user's connected apps.
  registerAuthorize(app);
  registerConnectedAppsList(app);
  registerConnectedAppsRevoke(app);
  registerDashboard(app);
  // The MCP authorization server's: metadata, token and revocation endpoints.
  registerMetadata(app);
  registerTokenEndpoint(app);
  registerRevoke(app);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
