import type { JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import type { SessionState } from "../context.js";

/**
 * Whether the client of `session` said at `initialize` that it takes `request` (a request of the
 * child's to a client), as the SDK's server checks before it sends one. A request without a
 * session can take none: its client has nowhere to send an answer from.
 */
export function canTake(session: SessionState | undefined, request: JSONRPCRequest): boolean {
  const capabilities = session?.clientCapabilities;
  if (!capabilities) return false;
  switch (request.method) {
    case "elicitation/create": {
      const elicitation = capabilities.elicitation;
      if (!elicitation) return false;
      const mode = (request.params as { mode?: unknown } | undefined)?.mode ?? "form";
      if (mode === "url") return elicitation.url !== undefined;
      // `elicitation: {}` is how clients before URL mode said they take forms.
      return elicitation.form !== undefined || elicitation.url === undefined;
    }
    case "sampling/createMessage":
      return capabilities.sampling !== undefined;
    case "roots/list":
      return capabilities.roots !== undefined;
    default:
      return true;
  }
}
