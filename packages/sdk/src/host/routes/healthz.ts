import type { Hono } from "hono";
import type { HostEnv } from "../app-env.js";

export function registerHealthz(app: Hono<HostEnv>) {
  app.get("/healthz", async (c) => {
    const { store, config } = c.var.services;
    try {
      const latencyMs = Math.round((await store.database.ping()) * 100) / 100;
      return c.json({
        status: "ok",
        server: config.name,
        auth: config.auth.type,
        database: { ok: true, driver: store.database.driver, latencyMs },
      });
    } catch (error) {
      c.var.services.log.warn("health check: the database did not answer", { error });
      return c.json({ status: "unavailable", database: { ok: false } }, 503);
    }
  });
}
