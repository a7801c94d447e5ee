import { existsSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { environmentProblems } from "./child-env.js";
import type { DeploymentSpec } from "./types.js";

/** Everything wrong with a spec that can be known before starting a process. */
export function specProblems(spec: DeploymentSpec): string[] {
  const problems: string[] = [];
  if (!spec.serverId) problems.push("serverId: must not be empty");
  if (!spec.deploymentId) problems.push("deploymentId: must not be empty");
  if (!isAbsolute(spec.entry)) problems.push(`entry: "${spec.entry}" is not an absolute path`);
  else if (!statSync(spec.entry, { throwIfNoEntry: false })?.isFile()) {
    problems.push(`entry: there is no file at ${spec.entry}`);
  }
  if (!statSync(spec.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    problems.push(`cwd: there is no folder at ${spec.cwd}`);
  }
  for (const kind of ["readOnly", "writable"] as const) {
    for (const path of spec.mounts?.[kind] ?? []) {
      if (!isAbsolute(path)) problems.push(`mounts.${kind}: "${path}" is not an absolute path`);
      else if (!existsSync(path)) problems.push(`mounts.${kind}: there is nothing at ${path}`);
    }
  }
  problems.push(...environmentProblems(spec));
  return problems;
}
