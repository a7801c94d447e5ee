import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv, Services } from "./env.js";
import { notFound, onError } from "./errors.js";
import { registerApiKeysCreate } from "./routes/api-keys-create.js";
import { registerApiKeysList } from "./routes/api-keys-list.js";
import { registerApiKeysRevoke } from "./routes/api-keys-revoke.js";
import { registerAuthForm } from "./routes/auth-form.js";
import { registerSignIn } from "./routes/auth-sign-in.js";
import { registerSignOut } from "./routes/auth-sign-out.js";
import { registerSignUp } from "./routes/auth-sign-up.js";
import { registerEnvDelete } from "./routes/env-delete.js";
import { registerEnvList } from "./routes/env-list.js";
import { registerEnvPut } from "./routes/env-put.js";
import { registerHealthz } from "./routes/healthz.js";
import { registerInternalCredentials } from "./routes/internal-credentials.js";
import { registerMe } from "./routes/me.js";
import { registerServerDeploy } from "./routes/server-deploy.js";
import { registerServerGet } from "./routes/server-get.js";
import { registerServersList } from "./routes/servers-list.js";
import { registerServersRegister } from "./routes/servers-register.js";

/** Every route the platform serves, wired here in one place. */
export function createApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async function provideServices(c, next) {
    c.set("database", services.database);
    c.set("vault", services.vault);
    c.set("log", services.log);
    c.set("migration", services.migration);
    c.set("publicUrl", services.publicUrl);
    c.set("now", services.now);
    c.set("runner", services.runner);
    c.set("apiKeys", services.apiKeys);
    await next();
  });
  registerHealthz(app);
  registerSignUp(app);
  registerSignIn(app);
  registerSignOut(app);
  registerMe(app);
  registerApiKeysList(app);
  registerApiKeysCreate(app);
  registerApiKeysRevoke(app);
  registerServersList(app);
  registerServersRegister(app);
  registerServerGet(app);
  registerServerDeploy(app);
  registerEnvList(app);
  registerEnvPut(app);
  registerEnvDelete(app);
  registerInternalCredentials(app);
  registerAuthForm(app);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
