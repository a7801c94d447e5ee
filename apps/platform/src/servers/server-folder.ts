import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadServerConfig, type ServerConfig, ServerConfigError } from "@gumstack/sdk";

/** A server's folder as registering and deploying see it. */
export interface ServerFolder {
  /** Absolute. */
  path: string;
  config: ServerConfig;
  /** The entry point, absolute. */
  entry: string;
}

/** The folder has no usable gumstack.yaml or entry point; the message says what is wrong. */
export class ServerFolderError extends Error {
  override readonly name = "ServerFolderError";
}

/**
 * Reads a server's gumstack.yaml and checks its entry point: the one place the platform reads a
 * server's files, called when it is registered or deployed. A deployment keeps what was read
 * (servers/deployed.ts), so nothing that serves requests needs the folder again.
 */
export function readServerFolder(folder: string): ServerFolder {
  const path = resolve(folder);
  let config: ServerConfig;
  try {
    config = loadServerConfig(join(path, "gumstack.yaml"));
  } catch (error) {
    if (error instanceof ServerConfigError)
      throw new ServerFolderError(error.message, { cause: error });
    throw error;
  }
  const entry = join(path, config.entry);
  if (!existsSync(entry)) throw new ServerFolderError(`${path} has no entry point ${config.entry}`);
  return { path, config, entry };
}
