import type { Context } from "hono";
import type { ClientRegistry, McpClient } from "./contracts.js";
import { OAuthError } from "./oauth-error.js";
import type { Form } from "./token-form.js";

interface Presented {
  clientId: string;
  secret: string | undefined;
  method: "basic" | "post" | "none";
}

/** RFC 6749 2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`. */
function fromBasic(header: string): { clientId: string; secret: string } {
  const refused = () =>
    new OAuthError("invalid_client", "authorization: not a valid Basic client authentication", {
      basic: true,
    });
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match?.[1]) throw refused();
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1) throw refused();
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
    };
  } catch (cause) {
    throw new OAuthError(
      "invalid_client",
      "authorization: not url-encoded as RFC 6749 2.3.1 says",
      {
        basic: true,
        cause,
      },
    );
  }
}

/** How the client presented itself: one method only (RFC 6749 2.3). */
function presented(c: Context, form: Form): Presented {
  const header = c.req.header("authorization");
  const bodyId = form.get("client_id");
  const bodySecret = form.get("client_secret");
  if (header !== undefined) {
    const basic = fromBasic(header);
    if (bodySecret !== undefined) {
      throw new OAuthError(
        "invalid_request",
        "client_secret: use one authentication method, not two",
      );
    }
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError("invalid_request", "client_id: differs from the one in Authorization");
    }
    return { clientId: basic.clientId, secret: basic.secret, method: "basic" };
  }
  if (bodyId === undefined) throw new OAuthError("invalid_request", "client_id: missing");
  return bodySecret === undefined
    ? { clientId: bodyId, secret: undefined, method: "none" }
    : { clientId: bodyId, secret: bodySecret, method: "post" };
}

const METHOD_OF = {
  none: "none",
  client_secret_basic: "basic",
  client_secret_post: "post",
} as const;

/**
 * The client making the request, authenticated as it registered to be. Unknown, or the wrong
 * method, or a bad secret: invalid_client (401), after which a client registers again.
 */
export async function authenticateClient(
  c: Context,
  form: Form,
  clients: ClientRegistry,
): Promise<McpClient> {
  const given = presented(c, form);
  const basic = given.method === "basic";
  const found = await clients.find(given.clientId);
  if ("problem" in found) {
    // The registry's message names the field already.
    throw new OAuthError("invalid_client", found.message, { basic });
  }
  const expected = METHOD_OF[found.tokenEndpointAuthMethod];
  if (given.method !== expected) {
    throw new OAuthError(
      "invalid_client",
      `client authentication: this client uses ${found.tokenEndpointAuthMethod}`,
      { basic },
    );
  }
  if (expected !== "none" && !(await clients.authenticate(found, given.secret))) {
    throw new OAuthError("invalid_client", "client_secret: wrong", { basic });
  }
  return found;
}
