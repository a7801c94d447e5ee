import { errorPage, type Hop } from "@gumstack/runtime";
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
  // Editing a proxied server's configuration (routes/server-config.ts).
  not_proxied: 409,
  kind_fixed: 409,
  name_fixed: 409,
  config_read_only: 409,
  config_not_editable: 409,
  version_mismatch: 412,
  invalid_config: 422,
  deploy_failed: 422,
  invalid_invite: 400,
  unsupported_media_type: 415,
  too_many_requests: 429,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

/** One problem of a refused body, at its field (`env.TOKEN`, `args[2]`), for a form to show there. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** Sent as `Retry-After` (a 429 or 503 says when to come back). */
  readonly retryAfterSeconds: number | undefined;
  /** For deadline_exceeded: the hop that gave up, sent along so the caller can say so. */
  readonly hop: Hop | undefined;
  /** Each problem at its field, sent along (as `fields`) when the message names several. */
  readonly fields: readonly FieldProblem[] | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      retryAfterSeconds?: number;
      hop?: Hop;
      fields?: readonly FieldProblem[];
    },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.hop = options?.hop;
    this.fields = options?.fields;
  }
}

/**
 * Every error leaves as `{ error: { code, message, requestId } }`, with `hop` or `fields` when it
 * has them; an unexpected one says no more.
 */
export function onError(error: Error, c: Context<AppEnv>) {
  const requestId = c.get("requestId");
  if (error instanceof ApiError) {
    if (errorStatus[error.code] === 401) c.header("WWW-Authenticate", 'Bearer realm="gumstack"');
    if (error.retryAfterSeconds !== undefined)
      c.header("Retry-After", String(error.retryAfterSeconds));
    // The rest of a refused body is not read: the connection cannot carry another request, and
    // a client that reused it would see its next request reset.
    if (error.code === "payload_too_large") c.header("Connection", "close");
    // The connect and credential flows are pages a person reads, not API answers.
    if (c.req.path.startsWith("/auth/"))
      return c.html(errorPage("Cannot continue", error.message), errorStatus[error.code]);
    const hop = error.hop === undefined ? {} : { hop: error.hop };
    const fields = error.fields === undefined ? {} : { fields: error.fields };
    return c.json(
      { error: { code: error.code, message: error.message, requestId, ...hop, ...fields } },
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
