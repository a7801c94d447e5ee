import { type Id, servers } from "@gumstack/db";
import { ProviderUnavailableError } from "@gumstack/oauth";
import { DeadlineExceededError, errorPage, readTicket } from "@gumstack/runtime";
import { beginConnection, finishConnection } from "@gumstack/sdk";
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { readSession, SESSION_COOKIE } from "../accounts/sessions.js";
import type { AppEnv } from "../env.js";

/** Who is connecting: a tool's signed link (`ticket`) names them, or else their session. */
async function connectingUser(
  c: Context<AppEnv>,
  serverId: string,
): Promise<{ userId: Id<"user"> } | { problem: string }> {
  const { vault, now, database } = c.var;
  const ticketText = c.req.query("ticket");
  if (ticketText !== undefined) {
    const ticket = readTicket(vault, ticketText, "connect", now());
    if ("problem" in ticket) return ticket;
    if (ticket.serverId !== serverId) return { problem: "This link is for another server." };
    return { userId: ticket.userId as Id<"user"> };
  }
  const session = await readSession(database.db, vault, getCookie(c, SESSION_COOKIE), now());
  return session ? { userId: session.user.id } : { problem: "sign_in" };
}

/**
 * GET /auth/start/:server[?ticket=…][&return_to=…]: begins a connection of the user's account
 * for that server, and GET /auth/callback: the one redirect URL of the whole platform, which every
 * provider app is registered with; the state says which server and provider it is for.
 */
export function registerOAuthFlow(app: Hono<AppEnv>) {
  app.get("/auth/start/:server", async (c) => {
    const [server] = await c.var.database.db
      .select()
      .from(servers)
      .where(eq(servers.name, c.req.param("server")));
    if (server?.authType !== "oauth") {
      const name = c.req.param("server");
      return c.html(errorPage("Nothing to connect", `${name} has no account to connect.`), 404);
    }
    const who = await connectingUser(c, server.id);
    if ("problem" in who) {
      if (who.problem !== "sign_in") return c.html(errorPage("Cannot connect", who.problem), 400);
      // Back here once signed in; only a path of ours is ever followed.
      const next = new URL(c.req.url);
      return c.redirect(`/sign-in?next=${encodeURIComponent(next.pathname + next.search)}`, 302);
    }
    const notNow = () =>
      c.html(
        errorPage("Cannot connect now", `${server.name} is not running; try again in a moment.`),
        503,
      );
    // The provider and scopes are what the server's newest deployment recorded.
    const deployed = await c.var.deployed.of(server.id);
    const scopes = deployed?.config?.scopes;
    if (!deployed?.provider) return notNow();
    const returnTo = c.req.query("return_to");
    try {
      return await beginConnection(
        c,
        c.var.broker,
        {
          userId: who.userId,
          serverId: server.id,
          provider: deployed.provider.name,
          ...(scopes ? { scopes } : {}),
          ...(returnTo === undefined ? {} : { returnTo }),
        },
        c.var.publicUrl.startsWith("https:"),
      );
    } catch (error) {
      // The provider runs in the server's process, which is down or did not answer in time.
      if (error instanceof ProviderUnavailableError || error instanceof DeadlineExceededError)
        return notNow();
      throw error;
    }
  });

  app.get("/auth/callback", (c) => finishConnection(c, c.var.broker, c.var.log));
}
