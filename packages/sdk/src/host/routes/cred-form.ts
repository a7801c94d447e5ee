import type { Id } from "@gumstack/db";
import {
  credentialForm,
  errorPage,
  messagePage,
  readFieldValues,
  readTicket,
  saveFieldValues,
} from "@gumstack/runtime";
import { VaultDecryptError } from "@gumstack/vault";
import type { Hono } from "hono";
import type { HostEnv } from "../app-env.js";

/** GET and POST /auth/form: the cred server's form. Values are write-only: never sent back. */
export function registerCredForm(app: Hono<HostEnv>) {
  app.get("/auth/form", async (c) => {
    const { config, store, now } = c.var.services;
    if (config.auth.type !== "cred")
      return c.html(errorPage("No form here", `${config.name} takes no credentials.`), 404);
    const text = c.req.query("ticket");
    const ticket = readTicket(store.vault, text, "form", now());
    if ("problem" in ticket) return c.html(errorPage("Cannot open the form", ticket.problem), 400);
    const stored = await readFieldValues(
      store.database.db,
      store.vault,
      ticket.userId,
      ticket.serverId,
    ).catch((error: unknown) => {
      // Unreadable values count as none: saving the form replaces them.
      if (error instanceof VaultDecryptError) return null;
      throw error;
    });
    return c.html(credentialForm(config.name, config.auth.fields, text as string, stored !== null));
  });

  app.post("/auth/form", async (c) => {
    const { config, store, now, log } = c.var.services;
    if (config.auth.type !== "cred")
      return c.html(errorPage("No form here", `${config.name} takes no credentials.`), 404);
    const body = await c.req.parseBody();
    const ticket = readTicket(
      store.vault,
      typeof body.ticket === "string" ? body.ticket : undefined,
      "form",
      now(),
    );
    if ("problem" in ticket) return c.html(errorPage("Not saved", ticket.problem), 400);
    const values: Record<string, string> = {};
    for (const field of config.auth.fields) {
      const value = body[field.name];
      const text = typeof value === "string" ? value.trim() : "";
      if (text === "" && !field.optional) {
        return c.html(
          errorPage("Not saved", `${field.label ?? field.name} is required. Nothing was changed.`),
          400,
        );
      }
      if (text !== "") values[field.name] = text;
    }
    await saveFieldValues(
      store.database.db,
      store.vault,
      ticket.userId as Id<"user">,
      ticket.serverId as Id<"server">,
      values,
    );
    log.info("credentials saved", {
      userId: ticket.userId,
      fields: Object.keys(values).join(", "),
    });
    return c.html(
      messagePage("Saved", "Your credentials are stored. Go back to your assistant and try again."),
    );
  });
}
