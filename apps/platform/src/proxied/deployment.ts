import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import { type Id, newId } from "@gumstack/db";
import { BRIDGE_ENTRY, PROXY_ENV, type ProxySpec } from "@gumstack/sdk";
import type { DeploymentSpec } from "../runner/index.js";
import { bearerHeaderOf, type ProxiedConfig } from "./config.js";
import type { ProxiedProvider } from "./provider.js";
import { TemplateError, type Values } from "./templates.js";

// packages/sdk, from its src/bridge/main.ts (or dist/bridge/main.js).
const BRIDGE_PACKAGE = resolve(dirname(BRIDGE_ENTRY), "../..");

/**
 * A proxied server as deployed: its configuration and the operator's variables, decrypted,
 * which `${NAME}` expands from. For a per-user server nothing runs yet; each caller's process is
 * made from this on first use (processes.ts). Kept in the platform's memory only.
 */
export interface ProxiedDeployment {
  serverId: Id<"server">;
  name: string;
  /** The deployment record this was made with: a redeploy makes a new one. */
  deploymentId: Id<"deployment">;
  config: ProxiedConfig;
  /** The folder of its file: the working directory's base. */
  folder: string;
  variables: Readonly<Record<string, string>>;
  /** The platform's own variables every bridge of this server gets (its id, runtime secret…). */
  platformEnv: Readonly<Record<string, string>>;
  /** A remote server may be on loopback or a private network (GUMSTACK_PROXIED_ALLOW_PRIVATE_URLS). */
  allowPrivateUrls: boolean;
  /** `oauth`: the provider the platform connects this server's users with. */
  oauth?: ProxiedProvider;
}

/** What one process of the server runs with, and a digest of it to tell when it changed. */
export interface BridgeLaunch {
  spec: DeploymentSpec;
  /** Changes when anything the process was started with changes (never logged: it hides values). */
  fingerprint: string;
}

/**
 * The runner's spec of one bridge process: the bridge entry (the SDK's stdio ↔ Streamable HTTP
 * bridge) with, for a stdio server, the command, arguments and environment expanded for
 * `values`, or, for a remote one, its URL and headers. `userId` makes it a per-user process: the
 * bridge then serves only that user's requests. Throws TemplateError (naming the reference,
 * never a value) when a value is missing.
 */
export function bridgeLaunch(
  deployment: ProxiedDeployment,
  runnerKey: string,
  values: Values,
  userId?: string,
): BridgeLaunch {
  const { config } = deployment;
  const expand = (field: string) => {
    const template = config.templates.get(field);
    if (!template) throw new Error(`no template parsed for ${field}`);
    return template.expand(values);
  };
  const expandAll = (prefix: string, record: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.keys(record).map((name) => [name, expand(`${prefix}.${name}`)]));
  const user = userId === undefined ? {} : { user: userId };
  let proxy: ProxySpec;
  let env: Record<string, string> = {};
  if (config.kind === "stdio") {
    env = expandAll("env", config.env);
    proxy = {
      kind: "stdio",
      name: config.name,
      command: expand("command"),
      args: config.args.map((_, i) => expand(`args[${i}]`)),
      cwd: resolve(deployment.folder, config.cwd ?? "."),
      tools: config.tools,
      ...user,
    };
  } else {
    proxy = {
      kind: "remote",
      name: config.name,
      url: expand("url"),
      transport: config.transport,
      headers: { ...expandAll("headers", config.headers), ...bearerOf(config, values) },
      timeoutSeconds: config.timeoutSeconds,
      allowPrivate: deployment.allowPrivateUrls,
      tools: config.tools,
      ...user,
    };
  }
  const cwd = proxy.kind === "stdio" && proxy.cwd ? proxy.cwd : deployment.folder;
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([deployment.deploymentId, proxy, env]))
    .digest("base64url");
  return {
    fingerprint,
    spec: {
      serverId: runnerKey,
      deploymentId: newId("deployment"),
      entry: BRIDGE_ENTRY,
      cwd,
      env,
      platformEnv: { ...deployment.platformEnv, [PROXY_ENV]: JSON.stringify(proxy) },
      startTimeoutMs: config.startSeconds * 1_000,
      // The bridge imports the rest of its package (the host's HTTP side): shown read-only.
      mounts: { readOnly: [BRIDGE_PACKAGE] },
    },
  };
}

/** A remote server's own authorization: the caller's token, as a bearer (bearerHeaderOf). */
function bearerOf(config: ProxiedConfig, values: Values): Record<string, string> {
  const header = bearerHeaderOf(config);
  if (header === undefined) return {};
  if (values.oauth === undefined)
    throw new TemplateError(`headers.${header}`, "the caller has no connection to the server");
  return { [header]: `Bearer ${values.oauth.accessToken}` };
}
