import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "./app.js";
import type { Services } from "./env.js";
import { createGateway } from "./gateway/handler.js";

/** The platform's HTTP handler: the MCP gateway first (relayed as bytes), then the app. */
export function createListener(
  services: Services,
): (req: IncomingMessage, res: ServerResponse) => void {
  const gateway = createGateway(services);
  const app = getRequestListener(createApp(services).fetch);
  return (req, res) => {
    if (!gateway(req, res)) void app(req, res);
  };
}
