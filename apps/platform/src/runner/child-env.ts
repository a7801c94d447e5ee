import {
  isReservedName,
  unsafeNameProblem,
  VARIABLE_NAME,
  variableNameProblem,
} from "@gumstack/sdk";
import type { DeploymentSpec } from "./types.js";

/** Set by the runner for every process: where to listen. */
const RUNNER_VARIABLES = ["GUMSTACK_HOST", "GUMSTACK_PORT"];

/** What is wrong with a spec's variables (names only, never values); empty when nothing. */
export function environmentProblems(
  spec: Pick<DeploymentSpec, "env" | "platformEnv" | "allowUnsafeNames">,
): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(spec.env)) {
    const problem =
      variableNameProblem(name) ??
      (spec.allowUnsafeNames?.includes(name) ? null : unsafeNameProblem(name));
    if (problem) problems.push(`env: ${problem}`);
    else problems.push(...valueProblems("env", name, value));
  }
  for (const [name, value] of Object.entries(spec.platformEnv)) {
    if (!VARIABLE_NAME.test(name)) {
      problems.push(`platformEnv: "${name}" is not a valid variable name`);
    } else if (!isReservedName(name)) {
      // A tool can read any non-reserved variable: the platform's settings must not be one.
      problems.push(
        `platformEnv: "${name}" is not a platform variable: only names starting with GUMSTACK_ or GUMLOOP_ are passed this way`,
      );
    } else if (RUNNER_VARIABLES.includes(name.toUpperCase())) {
      problems.push(`platformEnv: "${name}" is set by the runner`);
    } else {
      problems.push(...valueProblems("platformEnv", name, value));
    }
  }
  return problems;
}

function valueProblems(channel: string, name: string, value: unknown): string[] {
  if (typeof value !== "string") return [`${channel}: the value of "${name}" is not a string`];
  // spawn() refuses these; say which variable instead of failing with the whole environment.
  if (value.includes("\0")) return [`${channel}: the value of "${name}" contains a NUL character`];
  return [];
}

/**
 * The whole environment of a server's process: its own variables, the platform's for it, where
 * to listen, and PATH. Nothing else of the platform's environment reaches it. An operator's
 * PATH, if an admin allowed it, wins over the platform's.
 */
export function childEnvironment(
  spec: Pick<DeploymentSpec, "env" | "platformEnv">,
  port: number,
  path: string | undefined,
): Record<string, string> {
  return {
    ...(path === undefined ? {} : { PATH: path }),
    ...spec.env,
    ...spec.platformEnv,
    GUMSTACK_HOST: "127.0.0.1",
    GUMSTACK_PORT: String(port),
  };
}
