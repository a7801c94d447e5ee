import { BODY_LIMITS } from "@gumstack/runtime/internal-api";
import type { MiddlewareHandler } from "hono";
import { bodyLimitOf } from "../body.js";

/** Refuses a body over the internal API's limit for `call` with 413, before reading it all. */
export const internalBodyLimit = (call: keyof typeof BODY_LIMITS): MiddlewareHandler =>
  bodyLimitOf(BODY_LIMITS[call]);
