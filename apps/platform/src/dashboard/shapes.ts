import { z } from "zod";
import { proxiedAuthSchema } from "../proxied/config.js";
import type * as Answers from "../routes/answers.js";

// Each API answer the dashboard reads is parsed here, at the boundary (the API is JSON over the
// wire even when called in process). The types are the routes' own (routes/answers.ts): each
// schema must produce exactly what its route answers, so renaming or retyping a field in a route
// fails the typecheck here and in every page that reads it. Unknown extra fields are dropped.

type Shape<T> = z.ZodType<T>;

/** A prefixed row id (`srv_…`): the prefix is checked against the route's `Id<kind>` type. */
const id = <P extends string>(prefix: P) => z.templateLiteral([prefix, "_", z.string()]);
/** A Date as `c.json` writes it. */
const moment = z.string();
/** A Node signal name, as the runner records a process's exit. */
const signal = z.custom<NodeJS.Signals>(
  (value) => typeof value === "string" && /^SIG[A-Z0-9]+$/.test(value),
  "must be a signal name",
);
const deploymentStatus = z.enum([
  "starting",
  "running",
  "crashed",
  "stopping",
  "stopped",
  "failed",
]);

export const me: Shape<Answers.MeAnswer> = z.object({
  user: z.object({
    id: id("usr"),
    name: z.string(),
    email: z.string().nullable(),
    isAdmin: z.boolean(),
  }),
  csrfToken: z.string(),
});
export type Me = Answers.MeAnswer;

const serverFields = {
  id: id("srv"),
  name: z.string(),
  description: z.string().nullable(),
  authType: z.enum(["oauth", "cred", "none"]),
  kind: z.enum(["hosted", "stdio", "remote"]),
  status: z.union([deploymentStatus, z.literal("not_deployed"), z.literal("per_user")]),
  processes: z.number().nullable(),
  redeployPending: z.boolean(),
  owned: z.boolean(),
  mcpUrl: z.string(),
  deployment: z
    .object({
      id: z.string(),
      status: deploymentStatus,
      startedAt: z.number().nullable(),
      restarts: z.number(),
    })
    .nullable(),
  createdAt: moment,
};
export const serverListItem: Shape<Answers.ServerAnswer> = z.object(serverFields);
export type ServerListItem = Answers.ServerAnswer;
export const serverList: Shape<Answers.ServerListAnswer> = z.object({
  servers: z.array(serverListItem),
});

/** POST /api/servers: the server as registered, and why its first deploy failed (else null). */
export const registeredServer: Shape<Answers.RegisteredServerAnswer> = z.object({
  ...serverFields,
  problem: z.string().nullable(),
});
export type RegisteredServer = Answers.RegisteredServerAnswer;

/** A per-user server's processes: who runs one, and how it is doing (never their values). */
export const processList: Shape<Answers.ProcessListAnswer> = z.object({
  processes: z.array(
    z.object({
      userId: z.string(),
      userName: z.string().nullable(),
      userEmail: z.string().nullable(),
      status: z.string(),
      pid: z.number().nullable(),
      /** Epoch milliseconds, as the runner keeps them. */
      startedAt: z.number().nullable(),
      lastUsedAt: z.number(),
      busy: z.number(),
      memoryBytes: z.number().nullable(),
    }),
  ),
});
export type UserProcessRow = Answers.ProcessListAnswer["processes"][number];

export const toolList: Shape<Answers.ToolListAnswer> = z.object({
  tools: z.array(
    z.object({
      name: z.string(),
      title: z.string().nullable(),
      description: z.string().nullable(),
    }),
  ),
});
export type Tool = Answers.ToolListAnswer["tools"][number];

export const deploymentList: Shape<Answers.DeploymentListAnswer> = z.object({
  deployments: z.array(
    z.object({
      id: id("dep"),
      status: z.string(),
      envVersion: z.number(),
      createdAt: moment,
      startedAt: moment.nullable(),
      restarts: z.number(),
      lastExit: z
        .object({
          code: z.number().nullable(),
          signal: signal.nullable(),
          error: z.string().optional(),
          at: moment,
        })
        .nullable(),
      /** False once the runner no longer keeps it (nor its logs). */
      logsKept: z.boolean(),
    }),
  ),
});
export type Deployment = Answers.DeploymentListAnswer["deployments"][number];

export const logLines: Shape<Answers.LogLinesAnswer> = z.object({
  lines: z.array(z.object({ at: moment, stream: z.enum(["stdout", "stderr"]), text: z.string() })),
});
export type LogLine = Answers.LogLinesAnswer["lines"][number];

export const envList: Shape<Answers.EnvListAnswer> = z.object({
  variables: z.array(z.object({ name: z.string(), preview: z.string(), updatedAt: moment })),
});
export type EnvVariable = Answers.EnvListAnswer["variables"][number];

export const connectionList: Shape<Answers.ConnectionListAnswer> = z.object({
  connections: z.array(
    z.object({
      id: id("con"),
      provider: z.string(),
      nickname: z.string(),
      status: z.enum(["active", "needs_reauth", "revoked"]),
      scopes: z.array(z.string()),
      connectedAt: moment,
      refreshedAt: moment.nullable(),
      expiresAt: moment.nullable(),
      lastError: z.string().nullable(),
    }),
  ),
  connectUrl: z.string(),
});
export type Connection = Answers.ConnectionListAnswer["connections"][number];

export const credentialFields: Shape<Answers.CredentialFieldsAnswer> = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      description: z.string().nullable(),
      placeholder: z.string().nullable(),
      secret: z.boolean(),
      optional: z.boolean(),
      set: z.boolean(),
      /** A non-secret field's stored value; a secret's never comes. */
      value: z.string().nullable().optional(),
    }),
  ),
  updatedAt: moment.nullable(),
});
export type CredentialField = Answers.CredentialFieldsAnswer["fields"][number];

export const activity: Shape<Answers.ActivityAnswer> = z.object({
  since: moment,
  hours: z.number(),
  tools: z.array(
    z.object({
      tool: z.string(),
      calls: z.number(),
      errors: z.number(),
      /** Calls that asked the user to connect or fill in a form: not failures. */
      authRequired: z.number(),
      errorRate: z.number(),
      p50Ms: z.number(),
      p95Ms: z.number(),
    }),
  ),
  series: z.array(
    z.object({ at: moment, calls: z.number(), errors: z.number(), authRequired: z.number() }),
  ),
  recent: z.array(
    z.object({
      at: moment,
      tool: z.string(),
      userEmail: z.string().nullable(),
      outcome: z.enum(["ok", "error", "auth_required"]),
      latencyMs: z.number(),
    }),
  ),
});
export type Activity = Answers.ActivityAnswer;

export const apiKeyList: Shape<Answers.ApiKeyListAnswer> = z.object({
  keys: z.array(
    z.object({
      id: id("key"),
      name: z.string(),
      preview: z.string(),
      createdAt: moment,
      lastUsedAt: moment.nullable(),
      revokedAt: moment.nullable(),
    }),
  ),
});
export type ApiKey = Answers.ApiKeyListAnswer["keys"][number];

export const connectedAppList: Shape<Answers.ConnectedAppListAnswer> = z.object({
  apps: z.array(
    z.object({
      id: id("mgr"),
      clientId: z.string(),
      clientName: z.string(),
      serverName: z.string(),
      scopes: z.array(z.string()),
      createdAt: moment,
      lastUsedAt: moment.nullable(),
    }),
  ),
});
export type ConnectedApp = Answers.ConnectedAppListAnswer["apps"][number];

export const createdKey: Shape<Answers.CreatedKeyAnswer> = z.object({
  id: id("key"),
  name: z.string(),
  key: z.string(),
  preview: z.string(),
});

const invite = {
  id: id("inv"),
  email: z.string().nullable(),
  status: z.enum(["pending", "used", "expired"]),
  createdAt: moment,
  expiresAt: moment,
  usedAt: moment.nullable(),
};
export const inviteList: Shape<Answers.InviteListAnswer> = z.object({
  invites: z.array(z.object(invite)),
});
export type Invite = Answers.InviteListAnswer["invites"][number];
export const createdInvite: Shape<Answers.CreatedInviteAnswer> = z.object({
  ...invite,
  url: z.string(),
});

/** A literal env or header value: only that it is set, never what it is. */
const maskedValue = z.object({ set: z.literal(true) });
const shownValues = z.record(z.string(), z.union([z.string(), maskedValue]));
const configCommon = {
  name: z.string(),
  description: z.string(),
  auth: proxiedAuthSchema,
  tools: z.object({ allow: z.array(z.string()), deny: z.array(z.string()), prefix: z.boolean() }),
  idleMinutes: z.number(),
  startSeconds: z.number(),
  maxProcesses: z.number(),
};
const configFields = {
  server: z.string(),
  file: z.string(),
  version: z.string(),
  config: z.discriminatedUnion("kind", [
    z.object({
      ...configCommon,
      kind: z.literal("stdio"),
      command: z.string(),
      args: z.array(z.string()),
      env: shownValues,
      cwd: z.string().nullable(),
    }),
    z.object({
      ...configCommon,
      kind: z.literal("remote"),
      url: z.string(),
      transport: z.enum(["streamable-http", "sse"]),
      headers: shownValues,
      timeoutSeconds: z.number(),
    }),
  ]),
};
/** GET /api/servers/:server/config: a proxied server's configuration, literal values masked. */
export const configAnswer: Shape<Answers.ConfigAnswer> = z.object(configFields);
export type ConfigAnswer = Answers.ConfigAnswer;
export type ShownConfig = Answers.ConfigAnswer["config"];
/** PUT …/config: the same, as saved, and whether anything changed. */
export const savedConfig: Shape<Answers.SavedConfigAnswer> = z.object({
  ...configFields,
  changed: z.boolean(),
});
