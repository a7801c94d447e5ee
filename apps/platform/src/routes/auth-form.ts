import { type Id, servers } from "@gumstack/db";
import {
  credentialForm,
  errorPage,
  messagePage,
  readTicket,
  saveFieldValues,
} from "@gumstack/runtime";
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";

/** The cred server and form fields a ticket opens, or the page to show instead. */
async function formTarget(c: Context<AppEnv>, ticketText: string | undefined) {
  const name = c.req.param("server") ?? "";
  const [server] = await c.var.database.db.select().from(servers).where(eq(servers.name, name));
  if (server?.authType !== "cred")
    return { problem: c.html(errorPage("No form here", `${name} takes no credentials.`), 404) };
  // The fields are what the server's newest deployment recorded.
  const config = (await c.var.deployed.of(server.id))?.config;
  if (!config) {
    const why = `${name} has not been deployed yet; try again once it runs.`;
    return { problem: c.html(errorPage("Cannot open the form now", why), 503) };
  }
  const ticket = readTicket(c.var.vault, ticketText, "form", c.var.now());
  if ("problem" in ticket || ticket.serverId !== server.id) {
    return {
      problem: c.html(
        errorPage(
          "Cannot open the form",
          "problem" in ticket ? ticket.problem : "This link is for another server.",
        ),
        400,
      ),
    };
  }
  return { server, fields: config.fields, userId: ticket.userId as Id<"user"> };
}

/** GET and POST /auth/form/:server: a hosted cred server's form. Values are write-only. */
export function registerAuthForm(app: Hono<AppEnv>) {
  app.get("/auth/form/:server", async (c) => {
    const text = c.req.query("ticket");
    const target = await formTarget(c, text);
    if ("problem" in target) return target.problem;
    return c.html(
      credentialForm(
        target.server.name,
        target.fields,
        text as string,
        false,
        `/auth/form/${target.server.name}`,
      ),
    );
  });

  app.post("/auth/form/:server", async (c) => {
    const body = await c.req.parseBody();
    const target = await formTarget(c, typeof body.ticket === "string" ? body.ticket : undefined);
    if ("problem" in target) return target.problem;
    const values: Record<string, string> = {};
    for (const field of target.fields) {
      const value = typeof body[field.name] === "string" ? (body[field.name] as string).trim() : "";
      if (value === "" && !field.optional) {
        return c.html(
          errorPage("Not saved", `${field.label ?? field.name} is required. Nothing was changed.`),
          400,
        );
      }
      if (value !== "") values[field.name] = value;
    }
    await saveFieldValues(c.var.database.db, c.var.vault, target.userId, target.server.id, values);
    return c.html(
      messagePage("Saved", "Your credentials are stored. Go back to your assistant and try again."),
    );
  });
}
