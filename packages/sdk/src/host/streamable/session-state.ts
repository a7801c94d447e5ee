import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { callContext, type SessionState } from "../../context.js";

const FIELDS = [
  ["_clientCapabilities", "clientCapabilities"],
  ["_clientVersion", "clientVersion"],
] as const;

/**
 * The SDK's Server keeps what one client said at `initialize` (its capabilities, its name) in
 * two fields, and checks them before it sends an elicitation, a sampling or a roots request.
 * One server serves every session here, so those fields are made to read and write the session
 * of the request being served (the call context): each client is held to what it declared, and
 * a request with no session declared nothing. SDK 1.x names the fields so; the host's tests
 * with two clients of different capabilities fail if a release renames them.
 */
export function perSessionClientState(server: Server): void {
  for (const [field, key] of FIELDS) {
    Object.defineProperty(server, field, {
      configurable: true,
      get: () => callContext.getStore()?.session?.[key],
      set: (value: SessionState[typeof key]) => {
        const session = callContext.getStore()?.session;
        // Outside a session there is no one to remember it for.
        if (session) (session as Record<typeof key, unknown>)[key] = value;
      },
    });
  }
}
