import { isDeepStrictEqual } from "node:util";
import { ServerConfigError } from "@gumstack/sdk";
import { parse as parseYaml } from "yaml";
import type { Services } from "../env.js";
import { ApiError, type FieldProblem } from "../errors.js";
import { DeploymentFailedError, SandboxUnavailableError } from "../runner/index.js";
import { deployServer } from "../servers/deploy.js";
import type { ServerRow } from "../servers/owned-server.js";
import {
  FileNotWritableError,
  readVersioned,
  type VersionedFile,
  versionOf,
  writeAtomically,
} from "./atomic-file.js";
import { type ProxiedConfig, parseProxiedConfig } from "./config.js";
import { type Masked, masked, unmasked } from "./edit-mask.js";
import { updateYaml, YamlEditError } from "./edit-yaml.js";

/*
 * Editing a proxied server's configuration through the API: its file is read and shown with
 * literal env and header values masked (edit-mask.ts), and a save checks the version it was
 * read at, validates with the deploy's own parser, changes only what changed in the file
 * (edit-yaml.ts), replaces it atomically and deploys; a deploy that fails puts the old file back
 * and deploys that again. A hosted server's gumstack.yaml is code, changed with its code: not
 * here.
 */

type Common = Pick<
  ProxiedConfig,
  "name" | "description" | "auth" | "tools" | "idleMinutes" | "startSeconds" | "maxProcesses"
>;

/** A proxied server's configuration as the API shows it: every field, defaults filled in. */
export type ConfigView = Common &
  (
    | {
        kind: "stdio";
        command: string;
        args: string[];
        env: Record<string, string | Masked>;
        /** Relative to the file's folder; null: that folder. */
        cwd: string | null;
      }
    | {
        kind: "remote";
        url: string;
        transport: "streamable-http" | "sse";
        headers: Record<string, string | Masked>;
        timeoutSeconds: number;
      }
  );

export interface EditableConfig {
  server: string;
  /** The file it is read from and written to, on the platform's machine. */
  file: string;
  /** Of the file's bytes: a save must name the version it changes. */
  version: string;
  config: ConfigView;
}

function viewOf(config: ProxiedConfig): ConfigView {
  const common: Common = {
    name: config.name,
    description: config.description,
    auth: config.auth,
    tools: config.tools,
    idleMinutes: config.idleMinutes,
    startSeconds: config.startSeconds,
    maxProcesses: config.maxProcesses,
  };
  if (config.kind === "stdio") {
    return {
      ...common,
      kind: "stdio",
      command: config.command,
      args: config.args,
      env: masked("env", config.env),
      cwd: config.cwd ?? null,
    };
  }
  return {
    ...common,
    kind: "remote",
    url: config.url,
    transport: config.transport,
    headers: masked("headers", config.headers),
    timeoutSeconds: config.timeoutSeconds,
  };
}

/** The file of a proxied server; a hosted one, or one without a file, is not edited here. */
function fileOf(server: ServerRow): string {
  if (server.kind === "hosted") {
    throw new ApiError(
      "not_proxied",
      `${server.name} is a hosted server: its gumstack.yaml is part of its code, changed in its folder and deployed with it`,
    );
  }
  if (server.sourcePath === null)
    throw new ApiError("conflict", `${server.name} has no configuration file`);
  return server.sourcePath;
}

async function readFile(server: ServerRow): Promise<VersionedFile> {
  const file = fileOf(server);
  try {
    return await readVersioned(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown";
    throw new ApiError("conflict", `${server.name}'s file ${file} cannot be read (${code})`, {
      cause: error,
    });
  }
}

/**
 * The problems of a ServerConfigError, one per line of its message (`  env.X: …`): the parser
 * names each field first.
 */
export function fieldProblemsOf(error: ServerConfigError): FieldProblem[] {
  return error.message
    .split("\n")
    .slice(1)
    .flatMap((line) => {
      const match = /^ {2}(\S+?): (.*)$/.exec(line);
      return match ? [{ field: match[1] ?? "", message: match[2] ?? "" }] : [];
    });
}

function invalid(problems: FieldProblem[]): ApiError {
  const lines = problems.map((p) => `  ${p.field}: ${p.message}`);
  return new ApiError("invalid_config", `config is invalid:\n${lines.join("\n")}`, {
    fields: problems,
  });
}

/** Parsed by the deploy's own parser; its problems, each at its field, as a 422. */
function parsed(document: unknown, source: string): ProxiedConfig {
  try {
    return parseProxiedConfig(document, source);
  } catch (error) {
    if (!(error instanceof ServerConfigError)) throw error;
    throw invalid(fieldProblemsOf(error));
  }
}

function parsedFile(server: ServerRow, file: VersionedFile): ProxiedConfig {
  let document: unknown;
  try {
    document = parseYaml(file.text);
  } catch (error) {
    throw new ApiError(
      "invalid_config",
      `${file.path} is not YAML that can be read: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  const config = parsed(document, file.path);
  if (config.kind !== server.kind) {
    throw new ApiError(
      "kind_fixed",
      `kind: ${server.name} is a ${server.kind} server; its file now says ${config.kind}`,
    );
  }
  return config;
}

/** GET: the server's configuration now, masked, with the version a save must name. */
export async function readEditableConfig(server: ServerRow): Promise<EditableConfig> {
  const file = await readFile(server);
  return {
    server: server.name,
    file: file.path,
    version: file.version,
    config: viewOf(parsedFile(server, file)),
  };
}

// One save of a server's file at a time in this process: the version check, the write and the
// deploy are one step. (A file is on one machine; two platforms editing it would still be
// told apart by its version, checked again just before the write.)
const saving = new Map<string, Promise<void>>();

async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = saving.get(key) ?? Promise.resolve();
  const run = before.then(work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  saving.set(key, settled);
  try {
    return await run;
  } finally {
    if (saving.get(key) === settled) saving.delete(key);
  }
}

/** The fields a save may not change: they fix what the server is, and what users gave it. */
function refuseFixed(server: ServerRow, config: Readonly<Record<string, unknown>>): void {
  if (config.name !== server.name) {
    throw new ApiError(
      "name_fixed",
      `name: must stay ${server.name} (a server's name is its URL); register the file under a new name instead`,
    );
  }
  if (config.kind !== server.kind) {
    throw new ApiError(
      "kind_fixed",
      `kind: must stay ${server.kind}: ${server.name} was registered as a ${server.kind} server`,
    );
  }
  const auth = config.auth as { type?: unknown } | undefined;
  if (auth?.type !== server.authType) {
    throw new ApiError(
      "auth_type_fixed",
      `auth.type: must stay ${server.authType}: users' values of one auth type mean nothing to another`,
    );
  }
}

/** What a request asks to save: `config` in the shape GET shows, masked values kept as masked. */
export interface ConfigSave {
  version: string;
  config: Record<string, unknown>;
}

export type SavedConfig = EditableConfig & {
  /** False when the file already said all this: nothing was written or deployed. */
  changed: boolean;
};

/**
 * PUT: checks the version, the fixed fields and the new configuration (every problem named at
 * its field), writes what changed into the file and deploys it. A failed deploy restores the
 * old file and deploys it again, then answers why; nothing stored is lost.
 */
export function saveConfig(
  services: Services,
  server: ServerRow,
  save: ConfigSave,
): Promise<SavedConfig> {
  return oneAtATime(server.id, async () => {
    const file = await readFile(server);
    if (save.version !== file.version) {
      throw new ApiError(
        "version_mismatch",
        "version: the file changed since it was read (saved by someone else, or edited on disk); read it again and make the change there",
      );
    }
    const previous = parsedFile(server, file);
    const stored = parseYaml(file.text) as Record<string, unknown>;
    refuseFixed(server, save.config);
    const given: Record<string, unknown> = { ...save.config };
    // GET says "no cwd" as null; the file says it by leaving it out.
    if (given.cwd === null) delete given.cwd;
    const kept = unmasked(given, stored);
    let next: ProxiedConfig | undefined;
    let problems = kept.problems;
    try {
      next = parsed(kept.config, "config");
    } catch (error) {
      if (!(error instanceof ApiError && error.fields)) throw error;
      problems = [...problems, ...error.fields];
    }
    if (problems.length > 0 || next === undefined) throw invalid(problems);

    const updates = changedFields(previous, next, kept.config, stored);
    if (Object.keys(updates).length === 0)
      return { ...editable(server, file.path, file.text, next), changed: false };
    let text: string;
    try {
      text = updateYaml(file.text, updates);
    } catch (error) {
      if (!(error instanceof YamlEditError)) throw error;
      throw new ApiError("config_not_editable", `${file.path}: ${error.message}; edit it on disk`, {
        cause: error,
      });
    }
    // Edited on disk since it was read above: the same refusal as a stale version.
    if ((await readVersioned(file.path)).version !== file.version) {
      throw new ApiError("version_mismatch", "version: the file changed while this was saved");
    }
    await write(file.path, text);
    try {
      await deployServer(services, server);
    } catch (error) {
      throw await restored(services, server, file, error);
    }
    return { ...editable(server, file.path, text, next), changed: true };
  });
}

function editable(server: ServerRow, path: string, text: string, config: ProxiedConfig) {
  return { server: server.name, file: path, version: versionOf(text), config: viewOf(config) };
}

/**
 * The top-level fields whose parsed value changes, with the value to write: as given,
 * `undefined` to take the field out of the file. A field the file did not have is written
 * without the parts that are its defaults anyway (`tools: { deny: [x] }`, not all three).
 */
function changedFields(
  previous: ProxiedConfig,
  next: ProxiedConfig,
  given: Readonly<Record<string, unknown>>,
  stored: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const updates: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  keys.delete("templates");
  keys.delete("perUser");
  for (const key of keys) {
    const before = (previous as Record<string, unknown>)[key];
    const after = (next as Record<string, unknown>)[key];
    if (isDeepStrictEqual(before, after)) continue;
    const value = given[key];
    updates[key] =
      !Object.hasOwn(stored, key) && isRecord(value) && isRecord(before)
        ? Object.fromEntries(
            Object.entries(value).filter(([part, v]) => !isDeepStrictEqual(v, before[part])),
          )
        : value;
  }
  return updates;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

async function write(path: string, text: string): Promise<void> {
  try {
    await writeAtomically(path, text);
  } catch (error) {
    if (!(error instanceof FileNotWritableError)) throw error;
    throw new ApiError("config_read_only", `${error.message}; nothing was changed`, {
      cause: error,
    });
  }
}

/** The error a failed deploy answers with, once the old file is back and deployed again. */
async function restored(
  services: Services,
  server: ServerRow,
  file: VersionedFile,
  failure: unknown,
): Promise<unknown> {
  await writeAtomically(file.path, file.text);
  // The new configuration may already be half in place (a shared process's new settings kept
  // while its start failed): the old one is deployed again, so what runs is what the file says.
  let again = "and deployed again";
  try {
    await deployServer(services, server);
  } catch (error) {
    if (!isDeployFailure(error)) throw error;
    again = `but it did not start either: ${error.message}`;
  }
  if (!isDeployFailure(failure)) return failure;
  return new ApiError(
    "deploy_failed",
    `the new configuration did not start: ${failure.message}\nThe previous file is restored, ${again}.`,
    { cause: failure },
  );
}

const isDeployFailure = (
  error: unknown,
): error is DeploymentFailedError | SandboxUnavailableError | ApiError =>
  error instanceof DeploymentFailedError ||
  error instanceof SandboxUnavailableError ||
  error instanceof ApiError;
