import type { ServerConfig } from "@gumstack/sdk";
import { z } from "zod";

const fieldSchema = z.object({
  name: z.string(),
  label: z.string().optional(),
  description: z.string().optional(),
  placeholder: z.string().optional(),
  secret: z.boolean(),
  optional: z.boolean(),
});

/**
 * What a deployment keeps of the gumstack.yaml it was made from: everything the platform needs
 * while serving, but not the auth type, whose one home is the server's row (fixed when it was
 * created; a deploy whose file says otherwise is refused).
 */
export const deployedConfigSchema = z.object({
  name: z.string(),
  description: z.string(),
  entry: z.string(),
  /** oauth: the provider the file names (null: the only one the server registers). */
  provider: z.string().nullable(),
  /** oauth: the scopes asked for (null: the provider's defaults). */
  scopes: z.array(z.string()).nullable(),
  /** cred: the form's fields. */
  fields: z.array(fieldSchema),
  /** none: the variables the operator is expected to set. */
  env: z.array(z.string()),
});

export type DeployedConfig = z.output<typeof deployedConfigSchema>;

/** Of a hosted server's file, or a proxied server's (which has no entry point: ""). */
export function deployedConfigOf(
  config: Pick<ServerConfig, "name" | "description" | "auth"> & { entry?: string },
): DeployedConfig {
  const { auth } = config;
  return {
    name: config.name,
    description: config.description,
    entry: config.entry ?? "",
    provider: auth.type === "oauth" ? (auth.provider ?? null) : null,
    scopes: auth.type === "oauth" ? (auth.scopes ?? null) : null,
    fields: auth.type === "cred" ? auth.fields : [],
    env: auth.type === "none" ? auth.env : [],
  };
}
