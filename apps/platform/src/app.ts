import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv, Services } from "./env.js";
import { notFound, onError } from "./errors.js";
import { registerHealthz } from "./routes/healthz.js";

/** Every route the platform serves, wired here in one place. */
export function createApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async function provideServices(c, next) {
    c.set("database", services.database);
    c.set("vault", services.vault);
    c.set("log", services.log);
    c.set("migration", services.migration);
    await next();
  });
  registerHealthz(app);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
