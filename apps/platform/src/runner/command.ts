import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parentWatchImport } from "./parent-watch.js";

export interface Command {
  command: string;
  args: string[];
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
  if (!/\.[cm]?ts$/.test(entry)) return { command: process.execPath, args: [...watch, entry] };
  tsxLoader ??= pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return {
    command: process.execPath,
    args: [...watch, "--conditions=gumstack-source", "--import", tsxLoader, entry],
  };
}
