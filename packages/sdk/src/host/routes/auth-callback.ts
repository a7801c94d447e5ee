import { errorPage } from "@gumstack/runtime";
import type { Hono } from "hono";
import type { HostEnv } from "../app-env.js";
import { finishConnection } from "./oauth-flow.js";

/** GET /auth/callback: where every provider sends the browser back. */
export function registerAuthCallback(app: Hono<HostEnv>) {
  app.get("/auth/callback", async (c) => {
    const { broker, log } = c.var.services;
    if (!broker)
      return c.html(errorPage("Nothing to connect", "This server does not use OAuth."), 404);
    return finishConnection(c, broker, log);
  });
}
