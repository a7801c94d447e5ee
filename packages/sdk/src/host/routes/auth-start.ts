import { randomBytes } from "node:crypto";
import { ReturnUrlError } from "@gumstack/broker";
import type { Id } from "@gumstack/db";
import { accountLabel, confirmConnectPage, errorPage, readTicket } from "@gumstack/runtime";
import type { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { HostEnv } from "../app-env.js";
import { beginConnection } from "./oauth-flow.js";

const CONFIRM_COOKIE = "gs_confirm";
const CONFIRM_PURPOSE = "connect-confirm";

/**
 * GET /auth/start?ticket=…[&return_to=…]: binds a new authorization to this browser and
 * redirects. A standalone host has no browser sign-in to check the link's user against, so the
 * link first shows whose account the connection becomes, and only its own "Continue" goes on:
 * that link carries an HMAC over the ticket and a nonce kept in a SameSite=Strict cookie, so a
 * crafted link (or another site) cannot skip the page.
 */
export function registerAuthStart(app: Hono<HostEnv>) {
  app.get("/auth/start", async (c) => {
    const { broker, provider, store, now, secureCookies, config } = c.var.services;
    if (!broker || !provider) {
      return c.html(errorPage("Nothing to connect", `${config.name} does not use OAuth.`), 404);
    }
    const text = c.req.query("ticket") ?? "";
    const ticket = readTicket(store.vault, text, "connect", now());
    if ("problem" in ticket) return c.html(errorPage("Cannot connect", ticket.problem), 400);
    const account = await accountLabel(store.database.db, ticket.userId);
    if (account === undefined)
      return c.html(
        errorPage("Cannot connect", "This link is for a user that no longer exists."),
        404,
      );
    const returnTo = c.req.query("return_to");
    if (returnTo !== undefined) {
      try {
        broker.returnUrl(returnTo);
      } catch (error) {
        if (!(error instanceof ReturnUrlError)) throw error;
        return c.html(errorPage("Cannot connect", error.message), 400);
      }
    }
    const nonce = getCookie(c, CONFIRM_COOKIE);
    const confirm = c.req.query("confirm");
    const confirmed =
      nonce !== undefined &&
      confirm !== undefined &&
      store.vault.verify(CONFIRM_PURPOSE, `${text}.${nonce}`, confirm);
    if (!confirmed) {
      const fresh = randomBytes(16).toString("base64url");
      setCookie(c, CONFIRM_COOKIE, fresh, {
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookies,
        path: "/auth/start",
        maxAge: 600,
      });
      const next = new URLSearchParams({ ticket: text });
      if (returnTo !== undefined) next.set("return_to", returnTo);
      next.set("confirm", store.vault.sign(CONFIRM_PURPOSE, `${text}.${fresh}`));
      return c.html(
        confirmConnectPage(
          `connects your ${provider} account to ${config.name}`,
          account,
          `/auth/start?${next}`,
        ),
      );
    }
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
