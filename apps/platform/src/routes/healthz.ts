import type { Hono } from "hono";
import type { AppEnv } from "../env.js";

/**
 * Liveness and readiness in one: 200 when the database answers, 503 when it does not. Says which
 * keys are in the ring by id only; key material never leaves the vault.
 */
export function registerHealthz(app: Hono<AppEnv>) {
  app.get("/healthz", async (c) => {
    const { database, vault, migration } = c.var;
    const keyRing = { primary: vault.keyRing.primary.id, keys: [...vault.keyRing.keys.keys()] };
    try {
      const latencyMs = await database.ping();
      return c.json({
        status: "ok",
        database: { ok: true, driver: database.driver, latencyMs: round(latencyMs), migration },
        keyRing,
      });
    } catch (error) {
      c.var.log.warn("health check: the database did not answer", { error });
      return c.json(
        {
          status: "unavailable",
          database: { ok: false, driver: database.driver, migration },
          keyRing,
        },
        503,
      );
    }
  });
}

const round = (ms: number) => Math.round(ms * 100) / 100;
