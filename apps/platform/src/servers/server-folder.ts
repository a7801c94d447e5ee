import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseServerConfig, type ServerConfig, ServerConfigError } from "@gumstack/sdk";
import { parse as parseYaml } from "yaml";
import { type ProxiedConfig, parseProxiedConfig } from "../proxied/config.js";

/** A hosted server's folder: a server written with the SDK, its entry point run by the runner. */
export interface HostedFolder {
  kind: "hosted";
  /** Absolute. */
  path: string;
  config: ServerConfig;
  /** The entry point, absolute. */
  entry: string;
}

/**
 * A proxied server's file: `kind: stdio`, an MCP server command the platform bridges, or
 * `kind: remote`, an MCP server URL it connects to for each caller.
 */
export interface ProxiedFolder {
  kind: "stdio" | "remote";
  /** The folder of its file: the process's working directory (or `cwd` inside it). Absolute. */
  path: string;
  /** Its configuration file, absolute: what a registration records and a deploy reads again. */
  file: string;
  config: ProxiedConfig;
}

/** A server's folder as registering and deploying see it. */
export type ServerFolder = HostedFolder | ProxiedFolder;

/** The kinds a server row may have; fixed when it is registered, like its auth type. */
export type ServerKind = ServerFolder["kind"];

/** The folder has no usable gumstack.yaml or entry point; the message says what is wrong. */
export class ServerFolderError extends Error {
  override readonly name = "ServerFolderError";
}

/**
 * Reads a server's configuration, a folder's gumstack.yaml or a named `.yaml` file, and checks
 * what it runs: the one place the platform reads a server's files, called when it is registered
 * or deployed. A file with `kind: stdio` or `kind: remote` is a proxied server; without a kind it
 * is hosted. A
 * deployment keeps what was read (servers/deployed.ts), so nothing that serves requests needs
 * the file again.
 */
export function readServerFolder(folderOrFile: string): ServerFolder {
  const given = resolve(folderOrFile);
  const isFile = statSync(given, { throwIfNoEntry: false })?.isFile() === true;
  const file = isFile ? given : join(given, "gumstack.yaml");
  const path = isFile ? dirname(given) : given;
  const document = readDocument(file);
  try {
    const kind = (document as { kind?: unknown } | null)?.kind;
    if (kind === "stdio" || kind === "remote") {
      const config = parseProxiedConfig(document, file);
      return { kind: config.kind, path, file, config };
    }
    if (kind !== undefined && kind !== "hosted")
      throw new ServerFolderError(`${file} is invalid:\n  kind: must be hosted, stdio or remote`);
    const config = parseServerConfig(withoutKind(document), file);
    const entry = join(path, config.entry);
    if (!existsSync(entry))
      throw new ServerFolderError(`${path} has no entry point ${config.entry}`);
    return { kind: "hosted", path, config, entry };
  } catch (error) {
    if (error instanceof ServerConfigError)
      throw new ServerFolderError(error.message, { cause: error });
    throw error;
  }
}

function readDocument(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ServerFolderError(
      `cannot read ${file}: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
}

/** A hosted file may say `kind: hosted`; the hosted schema itself has no such field. */
function withoutKind(document: unknown): unknown {
  if (typeof document !== "object" || document === null || Array.isArray(document)) return document;
  const { kind: _kind, ...rest } = document as Record<string, unknown>;
  return rest;
}
