import { isId } from "@gumstack/db";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { namedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

async function oauthServer(c: Context<AppEnv>) {
  const server = await namedServer(c);
  if (server.authType !== "oauth")
    throw new ApiError(
      "not_found",
      `${server.name} is a ${server.authType} server: it has no connections`,
    );
  return server;
}

async function listConnections(c: Context<AppEnv>) {
  const server = await oauthServer(c);
  return c.json({
    connections: await c.var.broker.connections(c.var.session.user.id, server.id),
    connectUrl: `/auth/start/${server.name}`,
  });
}
export type ConnectionListAnswer = AnswerOf<typeof listConnections>;

/**
 * /api/servers/:server/connections: the caller's connected accounts for an oauth server (never a
 * token), and disconnecting one: revoked at the provider when it can be, then deleted. Connecting
 * and reconnecting are browser navigations to `connectUrl` (a reconnect of the same account
 * renews its connection).
 */
export function registerConnections(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/connections", requireSession(), listConnections);

  app.delete("/api/servers/:server/connections/:connection", requireSession(), async (c) => {
    const server = await oauthServer(c);
    const id = c.req.param("connection");
    const done = isId("connection", id)
      ? await c.var.broker.disconnect({
          userId: c.var.session.user.id,
          serverId: server.id,
          connectionId: id,
        })
      : undefined;
    if (!done) throw new ApiError("not_found", `connection: no connection ${id} of yours here`);
    // A proxied server's process of this user holds the token: replaced before its next call.
    c.var.proxied.changed(server.id, c.var.session.user.id);
    return c.json(done);
  });
}
