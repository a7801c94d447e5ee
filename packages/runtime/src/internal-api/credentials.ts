import { z } from "zod";

/**
 * POST /internal/credentials: a hosted server asks for the credentials of the user whose request
 * it serves, showing that request's signed context. `none` servers never ask: their credentials
 * are their own environment.
 */
export const credentialsRequestSchema = z.object({
  kind: z.enum(["oauth", "cred"]),
  context: z.string().min(1, "must be the request's context"),
});

export type AskedKind = z.output<typeof credentialsRequestSchema>["kind"];

/** What `getCredentials()` hands a tool of an oauth server (the SDK's OAuthCredentials). */
export const oauthCredentialsSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_at: z.iso
    .datetime({ offset: true })
    .transform((at) => new Date(at))
    .nullable(),
  scopes: z.array(z.string()),
  provider: z.string(),
  nickname: z.string(),
  connection_id: z.string(),
  extras: z.record(z.string(), z.string()),
});

/** A cred server's values by field name, and which of them are secret (redacted from replies). */
export const fieldCredentialsSchema = z.object({
  values: z.record(z.string(), z.string()),
  secret: z.array(z.string()),
});

/** The user must act first: connect an account, reconnect it, or fill in the form at `url`. */
export const authRequiredSchema = z.object({
  status: z.literal("auth_required"),
  reason: z.enum(["not_connected", "needs_reauth", "credentials_missing"]),
  /** What to connect or fill in, for the message: the provider's or the server's name. */
  what: z.string(),
  url: z.url(),
});

export const oauthAnswerSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ok"), credentials: oauthCredentialsSchema }),
  authRequiredSchema,
]);

export const credAnswerSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ok"), credentials: fieldCredentialsSchema }),
  authRequiredSchema,
]);

export const answerSchemas = { oauth: oauthAnswerSchema, cred: credAnswerSchema } as const;

export type AuthRequired = z.output<typeof authRequiredSchema>;
export type OAuthAnswer = z.output<typeof oauthAnswerSchema>;
export type CredAnswer = z.output<typeof credAnswerSchema>;
export type CredentialsAnswer<K extends AskedKind> = K extends "oauth" ? OAuthAnswer : CredAnswer;
