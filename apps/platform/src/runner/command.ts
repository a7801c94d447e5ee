import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parentWatchImport } from "./parent-watch.js";

export interface Command {
  command: string;
  args: string[];
  /** Files it loads from outside the server's folder (the tsx loader): a sandbox must show them. */
  reads: string[];
}

/** A file descriptor past stdio: text the process reads at start, or bwrap's report of its sandbox. */
export type ExtraFd = { input: string } | { sandboxInfo: true };

/** What to spawn for a command (sandboxed or not): `fds[i]` is its file descriptor 3 + i. */
export interface Launch {
  command: string;
  args: string[];
  fds?: readonly ExtraFd[];
}

let tsxLoader: string | undefined;

/**
 * How an entry script runs: one node process (no wrapper in between, so a signal reaches the
 * server itself), watching for its platform to go away. TypeScript runs from source as
 * `npm start` runs it, with workspace packages' source condition; tsx is loaded by absolute
 * URL, so the working directory can be the server's own folder.
 */
export function serverCommand(entry: string): Command {
  const watch = ["--import", parentWatchImport];
  if (!/\.[cm]?ts$/.test(entry)) {
    return { command: process.execPath, args: [...watch, entry], reads: [] };
  }
  tsxLoader ??= pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return {
    command: process.execPath,
    args: [...watch, "--conditions=gumstack-source", "--import", tsxLoader, entry],
    reads: [fileURLToPath(tsxLoader)],
  };
}
