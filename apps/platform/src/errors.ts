import type { Hop } from "@gumstack/runtime";
import { internalErrorStatus } from "@gumstack/runtime/internal-api";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./env.js";

/**
 * The closed set of error codes the API answers with, each with its one status; those of the
 * internal API (for hosted servers) are shared with them, from @gumstack/runtime/internal-api.
 */
export const errorStatus = {
  ...internalErrorStatus,
  invalid_variable_name: 400,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_failed: 403,
  conflict: 409,
  auth_type_fixed: 409,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** For deadline_exceeded: the hop that gave up, sent along so the caller can say so. */
  readonly hop: Hop | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; hop?: Hop },
  ) {
    super(message, options);
    this.hop = options?.hop;
  }
}

/** Every error leaves as `{ error: { code, message, requestId } }`; an unexpected one says no more. */
export function onError(error: Error, c: Context<AppEnv>) {
  const requestId = c.get("requestId");
  if (error instanceof ApiError) {
    if (errorStatus[error.code] === 401) c.header("WWW-Authenticate", 'Bearer realm="gumstack"');
    const hop = error.hop === undefined ? {} : { hop: error.hop };
    return c.json(
      { error: { code: error.code, message: error.message, requestId, ...hop } },
      errorStatus[error.code],
    );
  }
  c.var.log.error("unhandled error", { requestId, error, path: c.req.path });
  return c.json(
    { error: { code: "internal_error", message: "something went wrong on our side", requestId } },
    500,
  );
}

export function notFound(c: Context<AppEnv>) {
  return c.json(
    {
      error: {
        code: "not_found",
        message: `no route for ${c.req.method} ${c.req.path}`,
        requestId: c.get("requestId"),
      },
    },
    404,
  );
}
