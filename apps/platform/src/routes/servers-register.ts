import type { Context, Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { DeploymentFailedError } from "../runner/index.js";
import { deployServer } from "../servers/deploy.js";
import { readFolderToRegister, registerServer } from "../servers/register.js";
import { serverSummary } from "../servers/summary.js";
import type { AnswerOf } from "./answer.js";

const body = z.object({ path: z.string().min(1, "must be the folder holding gumstack.yaml") });

async function registerFromPath(c: Context<AppEnv>) {
  const { path } = await readBody(c, body);
  if (!c.var.session.user.isAdmin)
    throw new ApiError("forbidden", "only an admin registers servers: it runs their code here");
  // Read once, for the registration and its first deploy alike.
  const folder = readFolderToRegister(path);
  const server = await registerServer(c.var, folder, c.var.session.user.id);
  // Registered either way: a server that cannot start yet (its variables are not set) shows
  // "failed" with the reason, and a deploy after setting them brings it up.
  let problem: string | null = null;
  try {
    await deployServer(c.var, server, folder);
  } catch (error) {
    if (!(error instanceof DeploymentFailedError)) throw error;
    problem = error.message;
  }
  return c.json({ ...(await serverSummary(c.var, server, c.var.session.user.id)), problem }, 201);
}
export type RegisteredServerAnswer = AnswerOf<typeof registerFromPath>;

/**
 * POST /api/servers: registers and deploys a server from a folder on this machine; admins only
 * (it runs code). 201 once registered, with `problem` set when its first deploy failed.
 */
export function registerServersRegister(app: Hono<AppEnv>) {
  app.post("/api/servers", requireSession(), registerFromPath);
}
