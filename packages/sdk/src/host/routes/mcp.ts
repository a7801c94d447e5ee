import type { Hono } from "hono";
import type { HostEnv } from "../app-env.js";
import { handleMcpRequest } from "../streamable/endpoint.js";
import { mcpRequestOf } from "../streamable/request.js";

export function registerMcp(app: Hono<HostEnv>) {
  app.all("/mcp", (c) => handleMcpRequest(c.var.services.mcp, mcpRequestOf(c)));
}
