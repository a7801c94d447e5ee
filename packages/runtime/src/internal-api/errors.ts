import { z } from "zod";
import {
  AuthTypeMismatchError,
  CredentialsUnavailableError,
  UnknownUserError,
} from "../credential-errors.js";
import { DeadlineExceededError, type Hop, hops } from "../deadline.js";

/**
 * The error codes the internal API answers with, each with its one status. The platform's own
 * table (apps/platform/src/errors.ts) takes these as they are.
 */
export const internalErrorStatus = {
  bad_request: 400,
  unauthorized: 401,
  context_invalid: 403,
  not_found: 404,
  auth_type_mismatch: 409,
  user_gone: 410,
  payload_too_large: 413,
  internal_error: 500,
  // An AuthProvider's failure on /internal/auth: the call was fine, the provider failed.
  provider_oauth_error: 422,
  provider_unavailable: 422,
  provider_bad_response: 422,
  unavailable: 503,
  deadline_exceeded: 504,
} as const;

export type InternalErrorCode = keyof typeof internalErrorStatus;

const hopNames = Object.keys(hops) as [Hop, ...Hop[]];

/** Every error, both ways: `{ error: { code, message, requestId, hop? } }`. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string().optional(),
    /** For deadline_exceeded: the hop that gave up. */
    hop: z.enum(hopNames).optional(),
    /** For an AuthProvider's failure: the provider's OAuth error code and HTTP status. */
    provider: z
      .object({
        code: z.string().optional(),
        description: z.string().optional(),
        status: z.number().int().optional(),
      })
      .optional(),
  }),
});

export type ErrorBody = z.input<typeof errorBodySchema>;

export interface WireError {
  code: InternalErrorCode;
  message: string;
  hop?: Hop;
}

/** How a failure of the credential chain crosses the wire; undefined for any other error. */
export function wireErrorOf(error: unknown): WireError | undefined {
  if (error instanceof DeadlineExceededError)
    return { code: "deadline_exceeded", message: error.message, hop: error.hop };
  if (error instanceof CredentialsUnavailableError)
    return { code: "unavailable", message: error.message };
  if (error instanceof UnknownUserError) return { code: "user_gone", message: error.message };
  if (error instanceof AuthTypeMismatchError)
    return { code: "auth_type_mismatch", message: error.message };
  return undefined;
}

/** Any other refusal: not something a tool can act on, so it names the status and code. */
export class PlatformRefusedError extends Error {
  override readonly name = "PlatformRefusedError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`the platform refused (${status} ${code}): ${message}`);
  }
}

/** The error an answer of the internal API stands for, as the class it was thrown as. */
export function errorFromWire(status: number, body: unknown): Error {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success)
    return new PlatformRefusedError(status, "no_error_body", "the answer carried no error");
  const { code, message, hop } = parsed.data.error;
  switch (code) {
    case "deadline_exceeded":
      return new DeadlineExceededError(hop ?? "platform");
    case "unavailable":
      return new CredentialsUnavailableError(message);
    case "user_gone":
      return new UnknownUserError(message);
    case "auth_type_mismatch":
      return new AuthTypeMismatchError(message);
    default:
      return new PlatformRefusedError(status, code, message);
  }
}
