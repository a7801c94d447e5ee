import { CallbackError } from "@gumstack/broker";
import { errorPage, messagePage } from "@gumstack/runtime";
import type { Hono } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import type { HostEnv } from "../app-env.js";

/** GET /auth/callback: where every provider sends the browser back. */
export function registerAuthCallback(app: Hono<HostEnv>) {
  app.get("/auth/callback", async (c) => {
    const { broker } = c.var.services;
    if (!broker)
      return c.html(errorPage("Nothing to connect", "This server does not use OAuth."), 404);
    try {
      const { connection, returnTo } = await broker.complete({
        state: c.req.query("state"),
        code: c.req.query("code"),
        error: c.req.query("error"),
        errorDescription: c.req.query("error_description"),
        cookie: (name) => {
          const value = getCookie(c, name);
          if (value !== undefined) deleteCookie(c, name, { path: "/auth/callback" });
          return value;
        },
      });
      if (returnTo) return c.redirect(returnTo, 302);
      return c.html(
        messagePage(
          "Connected",
          `Your ${connection.provider} account ${connection.nickname} is connected. You can close this page and go back to your assistant.`,
        ),
      );
    } catch (error) {
      if (!(error instanceof CallbackError)) throw error;
      c.var.services.log.info("authorization refused", { reason: error.reason });
      return c.html(errorPage("Could not connect", error.message), 400);
    }
  });
}
