import { join } from "node:path";
import { loadServerConfig, type ServerConfig } from "@gumstack/sdk";
import { ApiError } from "../errors.js";
import type { ServerRow } from "./owned-server.js";

/** The server's gumstack.yaml as it is now (fields, entry). */
export function configOf(server: ServerRow): ServerConfig {
  if (server.sourcePath === null)
    throw new ApiError("conflict", `${server.name} has no source folder`);
  return loadServerConfig(join(server.sourcePath, "gumstack.yaml"));
}
