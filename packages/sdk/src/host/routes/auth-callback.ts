import { accountLabel, errorPage } from "@gumstack/runtime";
import type { Hono } from "hono";
import type { HostEnv } from "../app-env.js";
import { finishConnection } from "./oauth-flow.js";

/** GET /auth/callback: where every provider sends the browser back. */
export function registerAuthCallback(app: Hono<HostEnv>) {
  app.get("/auth/callback", async (c) => {
    const { broker, log, store, elicitations } = c.var.services;
    if (!broker)
      return c.html(errorPage("Nothing to connect", "This server does not use OAuth."), 404);
    // No one signs in to a standalone host's browser pages: the link's own page said whose
    // account this becomes (auth-start.ts), and this one says it again.
    return finishConnection(c, broker, log, {
      accountOf: (userId) => accountLabel(store.database.db, userId),
      connected: ({ userId }) => elicitations.completed(userId),
    });
  });
}
