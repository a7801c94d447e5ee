import { cors } from "hono/cors";

/**
 * CORS for what MCP clients running in a browser page call on their own origin: the token and
 * revocation endpoints and the metadata documents. Any origin, no credentials (RFC 6749 gives
 * these endpoints none but the client's own); the discovery requests of the SDK's client send
 * MCP-Protocol-Version, and an invalid_client's Basic challenge is theirs to read.
 */
export const openCors = () =>
  cors({
    origin: "*",
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "MCP-Protocol-Version"],
    exposeHeaders: ["WWW-Authenticate"],
    maxAge: 600,
  });
