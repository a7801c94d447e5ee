// Deploying the three examples on a running platform over its API, as its admin would; each step
// leaves a line saying what happened, for the report.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// The OAuth package's test provider, by path: the root package does not depend on @gumstack/oauth.
import type { TestAuthServer } from "../../packages/oauth/src/testing/index.js";
import { type PlatformApi, stringAt } from "../shared/platform-api.js";

export const EXAMPLES = ["example-none", "example-cred", "example-oauth"] as const;

const folderOf = (name: string) =>
  join(fileURLToPath(new URL("../../apps", import.meta.url)), name);
const since = (started: number) => `${((performance.now() - started) / 1000).toFixed(1)} s`;

/** Registers (and so deploys) a server; it must then be running. */
async function register(api: PlatformApi, name: string): Promise<string> {
  const started = performance.now();
  const summary = await api.call("POST", "/api/servers", { path: folderOf(name) });
  if (stringAt(summary, "status") !== "running")
    throw new Error(`${name} registered but is not running: ${JSON.stringify(summary)}`);
  return `${name}: registered, running (${since(started)})`;
}

/**
 * example-oauth needs OIDC_ISSUER and OIDC_CLIENT_ID to start, and a server's variables can only
 * be set once it is registered, while registering deploys it at once: that first deploy is
 * expected to fail (registered, status "failed", with the reason). Then the variables, a deploy.
 */
async function registerOAuth(api: PlatformApi, provider: TestAuthServer): Promise<string[]> {
  const notes: string[] = [];
  const started = performance.now();
  const first = await api.call("POST", "/api/servers", { path: folderOf("example-oauth") });
  const problem = stringAt(first, "problem");
  notes.push(
    `example-oauth: registered without its OIDC_* variables in ${since(started)}: status "${stringAt(first, "status")}"` +
      (problem ? ` (${problem.split("\n")[0]})` : ""),
  );
  const variables = {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
  };
  for (const [name, value] of Object.entries(variables)) {
    await api.call("PUT", `/api/servers/example-oauth/env/${name}`, { value });
  }
  const deployStarted = performance.now();
  const summary = await api.call("POST", "/api/servers/example-oauth/deploy");
  if (stringAt(summary, "status") !== "running")
    throw new Error(`example-oauth deployed but is not running: ${JSON.stringify(summary)}`);
  notes.push(
    `example-oauth: variables set, then POST /api/servers/example-oauth/deploy: running (${since(deployStarted)})`,
  );
  return notes;
}

/** All three, example-oauth pointed at `provider`; returns what happened, a line per step. */
export async function deployExamples(
  api: PlatformApi,
  provider: TestAuthServer,
): Promise<string[]> {
  return [
    await register(api, "example-none"),
    await register(api, "example-cred"),
    ...(await registerOAuth(api, provider)),
  ];
}
