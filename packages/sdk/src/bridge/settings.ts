import { type Config, ConfigError, loadConfig } from "@gumstack/runtime/core";
import { withoutReserved } from "../names.js";
import { PROXY_ENV, type ProxySpec, parseProxySpec } from "./spec.js";

export interface BridgeSettings {
  /** GUMSTACK_HOST, GUMSTACK_PORT, logging: read as a hosted server reads them. */
  runtime: Config;
  hosted: NonNullable<Config["hosted"]>;
  spec: ProxySpec;
  /** The child's whole environment: every variable but the platform's own (GUMSTACK_*, GUMLOOP_*). */
  childEnv: Record<string, string>;
  /** Where the child runs. */
  cwd: string;
}

/**
 * A bridge process's configuration, read once at start-up. ConfigError or ServerConfigError
 * name the variable (and field) that is wrong, never a value.
 */
export function loadBridgeSettings(
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): BridgeSettings {
  const runtime = loadConfig({ ...env });
  if (!runtime.hosted)
    throw new ConfigError(
      "invalid configuration:\n  GUMSTACK_SERVER_ID: a bridge runs under the platform only, which sets it with GUMSTACK_RUNTIME_SECRET and GUMSTACK_PLATFORM_URL",
    );
  const spec = parseProxySpec(env[PROXY_ENV]);
  return {
    runtime,
    hosted: runtime.hosted,
    spec,
    childEnv: withoutReserved(env),
    cwd: (spec.kind === "remote" ? undefined : spec.cwd) ?? cwd,
  };
}
