import type { Hono } from "hono";
import type { HostEnv } from "../app-env.js";
import { handleMcpRequest } from "../streamable/endpoint.js";
import { nodeHangUp } from "../streamable/http.js";

export function registerMcp(app: Hono<HostEnv>) {
  app.all("/mcp", (c) => handleMcpRequest(c.var.services.mcp, c.req.raw, nodeHangUp(c.env)));
}
