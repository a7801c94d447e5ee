import type { McpTokenAuthMethod } from "@gumstack/db";
import { z } from "zod";
import { MAX_REDIRECT_URI_LENGTH, redirectHostOf, redirectUriProblem } from "./redirect-uris.js";

/*
 * A client's metadata (RFC 7591 2), as a registration sends it and a metadata document holds it:
 * checked in one place, so both kinds of client meet the same rules.
 */

export const MAX_REDIRECT_URIS = 10;
export const MAX_CLIENT_NAME_LENGTH = 100;

/** The fields we keep, normalized; what a registration answer returns. */
export interface ClientMetadata {
  redirect_uris: string[];
  client_name: string;
  token_endpoint_auth_method: McpTokenAuthMethod;
  grant_types: Array<"authorization_code" | "refresh_token">;
  response_types: Array<"code">;
  client_uri?: string;
  logo_uri?: string;
}

/** RFC 7591 3.2.2's two codes; the description names the field. */
export interface MetadataProblem {
  error: "invalid_redirect_uri" | "invalid_client_metadata";
  error_description: string;
}

const AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"] as const;

// Control characters and bidirectional overrides let a name pose as another on the consent page.
const MISLEADING_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The redirect URIs of any client: 1 to 10, each by redirectUriProblem's rules. */
export const redirectUrisSchema = z
  .array(
    z.string({ error: "must be a string" }).superRefine((uri, ctx) => {
      const problem = redirectUriProblem(uri);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    { error: "must be an array of URIs" },
  )
  .min(1, "must list at least one redirect URI")
  .max(MAX_REDIRECT_URIS, `must list at most ${MAX_REDIRECT_URIS} redirect URIs`);

/** A client's name, as the consent page will show it. */
export const clientNameSchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(MAX_CLIENT_NAME_LENGTH, `must be at most ${MAX_CLIENT_NAME_LENGTH} characters`)
  .refine((name) => !MISLEADING_CHARACTERS.test(name), "must not contain control characters");

/** A client's home page or logo: https only (the consent page links or shows it). */
export const httpsUriSchema = z
  .string({ error: "must be a string" })
  .max(MAX_REDIRECT_URI_LENGTH, `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`)
  .refine((uri) => {
    try {
      const url = new URL(uri);
      return url.protocol === "https:" && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  }, "must be an https:// URL");

const schema = z.object({
  redirect_uris: redirectUrisSchema,
  client_name: clientNameSchema.optional(),
  token_endpoint_auth_method: z
    .string({ error: "must be a string" })
    .refine(
      (method) => method !== "private_key_jwt",
      "private_key_jwt is not supported: use none, client_secret_basic or client_secret_post",
    )
    .pipe(z.enum(AUTH_METHODS, { error: `must be one of ${AUTH_METHODS.join(", ")}` }))
    .default("none"),
  grant_types: z
    .array(
      z.enum(["authorization_code", "refresh_token"], {
        error: "only authorization_code and refresh_token are supported",
      }),
      { error: "must be an array" },
    )
    .refine(
      (grants) => grants.includes("authorization_code"),
      "must include authorization_code (the only flow here)",
    )
    .default(["authorization_code"]),
  response_types: z
    .array(z.literal("code", { error: "only code is supported" }), { error: "must be an array" })
    .min(1, "must include code")
    .default(["code"]),
  client_uri: httpsUriSchema.optional(),
  logo_uri: httpsUriSchema.optional(),
});

export type MetadataCheck =
  | { ok: true; metadata: ClientMetadata }
  | ({ ok: false } & MetadataProblem);

/**
 * Checks a client's metadata (unknown fields are ignored, as RFC 7591 allows). Without a
 * client_name, `fallbackName` gives one; a metadata document must name itself.
 */
export function checkClientMetadata(
  input: unknown,
  options: { requireName: boolean; authMethods: readonly McpTokenAuthMethod[] },
): MetadataCheck {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return failure("invalid_client_metadata", "body: must be a JSON object");
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const onRedirects = parsed.error.issues.some((i) => i.path[0] === "redirect_uris");
    const description = parsed.error.issues
      .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
      .join("; ");
    return failure(onRedirects ? "invalid_redirect_uri" : "invalid_client_metadata", description);
  }
  const { client_name, client_uri, logo_uri, ...rest } = parsed.data;
  if (!options.authMethods.includes(rest.token_endpoint_auth_method)) {
    return failure(
      "invalid_client_metadata",
      `token_endpoint_auth_method: must be ${options.authMethods.join(" or ")} here`,
    );
  }
  if (client_name === undefined && options.requireName)
    return failure("invalid_client_metadata", "client_name: required");
  return {
    ok: true,
    metadata: {
      ...rest,
      client_name: client_name ?? fallbackName(rest.redirect_uris),
      ...(client_uri === undefined ? {} : { client_uri }),
      ...(logo_uri === undefined ? {} : { logo_uri }),
    },
  };
}

/** What a client that gave no name is called: where its codes go, which is all we know of it. */
export function fallbackName(redirectUris: readonly string[]): string {
  const first = redirectUris[0];
  const name = first === undefined ? "Unnamed app" : `Unnamed app (${redirectHostOf(first)})`;
  return name.slice(0, MAX_CLIENT_NAME_LENGTH);
}

const failure = (error: MetadataProblem["error"], error_description: string): MetadataCheck => ({
  ok: false,
  error,
  error_description,
});
