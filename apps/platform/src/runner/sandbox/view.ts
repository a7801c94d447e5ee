import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "../command.js";
import type { DeploymentSpec } from "../types.js";
import { dependencyFolders, packageScope, tsconfigFiles } from "./dependencies.js";
import { ancestors } from "./paths.js";

/** What of the host's file system a sandboxed server sees, beyond the system's (see bwrap-args). */
export interface SandboxView {
  /** Its folder, its dependencies, the node binary, the tsx loader's packages…: never written. */
  readOnly: string[];
  /** Only what its spec asks for (`mounts.writable`); its temp and home are its own anyway. */
  writable: string[];
  /** The platform's own files: hidden even when under a folder it sees. */
  hidden: string[];
  cwd: string;
}

/** The one answer to "what does this server need to see", for one deployment. */
export function sandboxView(
  command: Command,
  spec: Pick<DeploymentSpec, "cwd" | "entry" | "mounts">,
  hidden: readonly string[],
): SandboxView {
  // At the paths the process is given, and where they really are (what node resolves to).
  const programFolders = [
    ...new Set([spec.cwd, dirname(spec.entry)].flatMap((path) => [path, realpath(path)])),
  ];
  return {
    readOnly: [
      ...programFolders,
      ...dependencyFolders(programFolders),
      ...programFolders.flatMap((folder) => packageScope(folder) ?? []),
      ...tsconfigFiles(spec.cwd),
      realpathSync(command.command),
      // A loader's own dependencies are installed around it: the node_modules that holds it.
      ...command.reads.map((file) => ancestors(file).findLast(isModules) ?? file),
      ...(spec.mounts?.readOnly ?? []),
    ],
    writable: [...(spec.mounts?.writable ?? [])],
    hidden: hidden.map(realpath),
    cwd: spec.cwd,
  };
}

const realpath = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return path; // not there (yet): compared as given
  }
};

const isModules = (path: string) => path.endsWith("/node_modules");
