import type { IncomingMessage, ServerResponse } from "node:http";
import { mcpPreflightHeaders } from "@gumstack/runtime";

/**
 * A preflight, answered before authentication and before the server is looked up (so it says
 * nothing of which exist).
 */
export function preflight(req: IncomingMessage, res: ServerResponse, origin: string | undefined) {
  res.writeHead(204, mcpPreflightHeaders(origin, req.headers["access-control-request-headers"]));
  res.end();
}
