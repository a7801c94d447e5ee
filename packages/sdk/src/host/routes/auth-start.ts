import type { Id } from "@gumstack/db";
import { errorPage, readTicket } from "@gumstack/runtime";
import type { Hono } from "hono";
import type { HostEnv } from "../app-env.js";
import { beginConnection } from "./oauth-flow.js";

/** GET /auth/start?ticket=…[&return_to=…]: binds a new authorization to this browser and redirects. */
export function registerAuthStart(app: Hono<HostEnv>) {
  app.get("/auth/start", async (c) => {
    const { broker, provider, store, now, secureCookies, config } = c.var.services;
    if (!broker || !provider) {
      return c.html(errorPage("Nothing to connect", `${config.name} does not use OAuth.`), 404);
    }
    const ticket = readTicket(store.vault, c.req.query("ticket"), "connect", now());
    if ("problem" in ticket) return c.html(errorPage("Cannot connect", ticket.problem), 400);
    const returnTo = c.req.query("return_to");
    return beginConnection(
      c,
      broker,
      {
        userId: ticket.userId as Id<"user">,
        serverId: ticket.serverId as Id<"server">,
        provider,
        ...(config.auth.type === "oauth" && config.auth.scopes
          ? { scopes: config.auth.scopes }
          : {}),
        ...(returnTo === undefined ? {} : { returnTo }),
      },
      secureCookies,
    );
  });
}
