import { BODY_LIMITS } from "@gumstack/runtime/internal-api";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors.js";

/** Refuses a body over the internal API's limit for `call` with 413, before reading it all. */
export function internalBodyLimit(call: keyof typeof BODY_LIMITS): MiddlewareHandler {
  const maxSize = BODY_LIMITS[call];
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `body: at most ${maxSize} bytes`);
    },
  });
}
