import { z } from "zod";

// What the dashboard reads of each API answer, checked at the boundary (the API is JSON over the
// wire even when called in process). Unknown extra fields are ignored.

const moment = z.string();
const optionalMoment = moment.nullable().optional();

export const me = z.object({
  user: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    isAdmin: z.boolean(),
  }),
  csrfToken: z.string(),
});
export type Me = z.output<typeof me>;

export const authType = z.enum(["oauth", "cred", "none"]);

export const serverListItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  authType,
  status: z.string(),
  redeployPending: z.boolean(),
  owned: z.boolean(),
  mcpUrl: z.string(),
  createdAt: moment,
});
export type ServerListItem = z.output<typeof serverListItem>;
export const serverList = z.object({ servers: z.array(serverListItem) });

export const serverSummary = z.object({
  name: z.string(),
  authType,
  status: z.string(),
  redeployPending: z.boolean(),
  deployment: z
    .object({
      id: z.string(),
      status: z.string(),
      startedAt: z.union([z.number(), z.string()]).nullable(),
      restarts: z.number(),
    })
    .nullable(),
});

export const toolList = z.object({
  tools: z.array(
    z.object({
      name: z.string(),
      title: z.string().nullable().optional(),
      description: z.string().nullable().optional(),
    }),
  ),
});
export type Tool = z.output<typeof toolList>["tools"][number];

const when = z.union([z.number(), z.string()]);
const exit = z
  .object({
    code: z.number().nullable(),
    signal: z.string().nullable(),
    error: z.string().optional(),
  })
  .nullable()
  .optional();

export const deploymentList = z.object({
  deployments: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      createdAt: when.nullable(),
      startedAt: when.nullable().optional(),
      restarts: z.number(),
      lastExit: exit,
      /** False once the runner no longer keeps it (nor its logs). */
      logsKept: z.boolean().optional(),
    }),
  ),
});
export type Deployment = z.output<typeof deploymentList>["deployments"][number];

export const logLines = z.object({
  lines: z.array(z.object({ at: when, stream: z.enum(["stdout", "stderr"]), text: z.string() })),
});
export type LogLine = z.output<typeof logLines>["lines"][number];

export const envList = z.object({
  variables: z.array(z.object({ name: z.string(), preview: z.string(), updatedAt: moment })),
});
export type EnvVariable = z.output<typeof envList>["variables"][number];

export const connectionList = z.object({
  connections: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      nickname: z.string(),
      status: z.enum(["active", "needs_reauth", "revoked"]),
      connectedAt: moment,
      refreshedAt: optionalMoment,
      lastError: z.string().nullable().optional(),
    }),
  ),
  connectUrl: z.string(),
});
export type Connection = z.output<typeof connectionList>["connections"][number];

export const credentialFields = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      label: z.string().nullable().optional(),
      description: z.string().nullable().optional(),
      placeholder: z.string().nullable().optional(),
      secret: z.boolean(),
      optional: z.boolean(),
      set: z.boolean(),
      /** A non-secret field's stored value; a secret's never comes. */
      value: z.string().nullable().optional(),
    }),
  ),
  updatedAt: optionalMoment,
});
export type CredentialField = z.output<typeof credentialFields>["fields"][number];

export const activity = z.object({
  since: when,
  hours: z.number(),
  tools: z.array(
    z.object({
      tool: z.string(),
      calls: z.number(),
      errors: z.number(),
      /** Calls that asked the user to connect or fill in a form: not failures. */
      authRequired: z.number().optional(),
      errorRate: z.number(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
    }),
  ),
  series: z.array(z.object({ at: when, calls: z.number(), errors: z.number() })),
  recent: z.array(
    z.object({
      at: when,
      tool: z.string(),
      userEmail: z.string().nullable(),
      outcome: z.string(),
      latencyMs: z.number().nullable(),
    }),
  ),
});
export type Activity = z.output<typeof activity>;

export const apiKeyList = z.object({
  keys: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      preview: z.string(),
      createdAt: moment,
      lastUsedAt: optionalMoment,
      revokedAt: optionalMoment,
    }),
  ),
});
export type ApiKey = z.output<typeof apiKeyList>["keys"][number];

export const createdKey = z.object({ id: z.string(), name: z.string(), key: z.string() });
