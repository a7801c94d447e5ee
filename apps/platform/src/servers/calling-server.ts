import { type Id, isId } from "@gumstack/db";
import { isRuntimeSecret } from "@gumstack/runtime";
import { SERVER_HEADER } from "@gumstack/runtime/internal-api";
import type { Context } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

/**
 * The hosted server calling an /internal route: it names itself in `x-gumstack-server` and proves
 * it with its runtime secret, which only the platform and that server's process know. The id is
 * taken from here, never from a body.
 */
export function callingServerId(c: Context<AppEnv>): Id<"server"> {
  const serverId = c.req.header(SERVER_HEADER) ?? "";
  const secret = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
  if (!isId("server", serverId) || !isRuntimeSecret(c.var.vault, serverId, secret)) {
    throw new ApiError(
      "unauthorized",
      `send this server's runtime secret as Authorization: Bearer, and its id as ${SERVER_HEADER}`,
    );
  }
  return serverId;
}
