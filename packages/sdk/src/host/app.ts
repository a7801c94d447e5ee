import { errorPage } from "@gumstack/runtime";
import { Hono } from "hono";
import type { HostEnv, HostServices } from "./app-env.js";
import { registerAuthCallback } from "./routes/auth-callback.js";
import { registerAuthStart } from "./routes/auth-start.js";
import { registerCredForm } from "./routes/cred-form.js";
import { registerHealthz } from "./routes/healthz.js";
import { registerMcp } from "./routes/mcp.js";

/** Every route a standalone host serves, wired here in one place. */
export function createHostApp(services: HostServices): Hono<HostEnv> {
  const app = new Hono<HostEnv>();
  app.use(async function provideServices(c, next) {
    c.set("services", services);
    await next();
  });
  registerMcp(app);
  registerHealthz(app);
  registerAuthStart(app);
  registerAuthCallback(app);
  registerCredForm(app);
  app.onError((error, c) => {
    services.log.error("unhandled error", { error, path: c.req.path });
    return c.html(
      errorPage("Something went wrong", "Something went wrong on our side. Try again."),
      500,
    );
  });
  return app;
}
