import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { DeploymentFailedError } from "../runner/index.js";
import { deployServer } from "../servers/deploy.js";
import { ownedServer } from "../servers/owned-server.js";
import { serverSummary } from "../servers/summary.js";

/** POST /api/servers/:server/deploy: redeploys with the current variables; calls in flight finish on the old process. */
export function registerServerDeploy(app: Hono<AppEnv>) {
  app.post("/api/servers/:server/deploy", requireSession(), async (c) => {
    const server = await ownedServer(c);
    try {
      await deployServer(c.var, server);
    } catch (error) {
      if (error instanceof DeploymentFailedError)
        throw new ApiError("unavailable", `the new deployment did not start: ${error.message}`);
      throw error;
    }
    return c.json(await serverSummary(c.var, await ownedServer(c), c.var.session.user.id));
  });
}
