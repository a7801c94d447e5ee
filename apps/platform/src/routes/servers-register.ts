import type { Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { deployServer } from "../servers/deploy.js";
import { registerServer } from "../servers/register.js";
import { serverSummary } from "../servers/summary.js";

const body = z.object({ path: z.string().min(1, "must be the folder holding gumstack.yaml") });

/** POST /api/servers: registers and deploys a server from a folder on this machine; admins only (it runs code). */
export function registerServersRegister(app: Hono<AppEnv>) {
  app.post("/api/servers", requireSession(), async (c) => {
    const { path } = await readBody(c, body);
    if (!c.var.session.user.isAdmin)
      throw new ApiError("forbidden", "only an admin registers servers: it runs their code here");
    const server = await registerServer(c.var, path, c.var.session.user.id);
    await deployServer(c.var, server);
    return c.json(await serverSummary(c.var, server), 201);
  });
}
