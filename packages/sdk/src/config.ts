import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ServerConfigError } from "./errors.js";
import { variableNameProblem } from "./names.js";

const variableName = z.string().superRefine((name, ctx) => {
  const problem = variableNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const field = z.object({
  name: variableName,
  label: z.string().min(1).optional(),
  description: z.string().optional(),
  placeholder: z.string().optional(),
  /** Secret unless said otherwise: masked in forms, never shown again. */
  secret: z.boolean().default(true),
  optional: z.boolean().default(false),
});

/** The three auth modes, as a server (hosted or proxied) declares them. */
export const authConfigSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("oauth"),
    /** The registered AuthProvider's name; may be left out when only one is registered. */
    provider: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).optional(),
  }),
  z.object({
    type: z.literal("cred"),
    fields: z
      .array(field)
      .min(1, "a cred server declares at least one field")
      .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, {
        message: "field names must be unique",
      }),
  }),
  z.object({
    type: z.literal("none"),
    /** Variables the operator is expected to set; a missing one is reported at start-up. */
    env: z.array(variableName).default([]),
  }),
]);

export const serverConfigSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use 1-63 lowercase letters, digits and -, as in a URL"),
  description: z.string().default(""),
  /** The entry point, relative to the folder of gumstack.yaml: what the platform runs. */
  entry: z
    .string()
    .regex(
      /^(?!\/)(?!.*\.\.)[\w./-]+\.(ts|js|mjs)$/,
      "must be a .ts, .js or .mjs path inside the server's folder",
    )
    .default("src/server.ts"),
  auth: authConfigSchema,
});

export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;
export type AuthMode = ServerConfig["auth"]["type"];
export type CredentialField = z.output<typeof field>;

/** Validates an inline config or the contents of a gumstack.yaml; errors name each field. */
export function parseServerConfig(input: unknown, source = "the server config"): ServerConfig {
  const parsed = serverConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw configError(parsed.error, source);
}

/** One ServerConfigError listing every issue, each at the path of its field (`auth.fields[0].name`). */
export function configError(error: z.ZodError, source: string): ServerConfigError {
  const lines = error.issues.map(
    (issue) =>
      `  ${
        issue.path
          .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
          .join("")
          .slice(1) || "(root)"
      }: ${issue.message}`,
  );
  return new ServerConfigError(`${source} is invalid:\n${lines.join("\n").replace(/\.\[/g, "[")}`);
}

export function loadServerConfig(path: string): ServerConfig {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ServerConfigError(
      `cannot read ${path}: ${error instanceof Error ? error.message : error}`,
      {
        cause: error,
      },
    );
  }
  return parseServerConfig(document, path);
}
