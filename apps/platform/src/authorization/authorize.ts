import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { registerAuthorizeRequest } from "./authorize-get.js";
import { registerAuthorizeDecision } from "./authorize-post.js";

/** /oauth/authorize: the request and consent page (GET), and the person's decision (POST). */
export function registerAuthorize(app: Hono<AppEnv>) {
  registerAuthorizeRequest(app);
  registerAuthorizeDecision(app);
}
