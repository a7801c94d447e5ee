/** Environment variable and credential field names: what a shell and our forms both accept. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GUMSTACK_* and GUMLOOP_* belong to the platform, in any letter case. */
const RESERVED_PREFIX = /^(gumstack|gumloop)_/i;

export function isReservedName(name: string): boolean {
  return RESERVED_PREFIX.test(name);
}

/** Longer names are no one's real variable; a cap keeps every listing and message bounded. */
export const MAX_VARIABLE_NAME_LENGTH = 128;

/**
 * Variables that change how a process loads or runs code before the server's own code does:
 * the dynamic loader's, Node's (a `--require`, an inspector port, TLS checks off), shells' and
 * other interpreters' start-up hooks, and PATH (which program `node` is). A dashboard session,
 * or a mistake, must not turn into code run inside every process of a server; an admin may
 * still set one on purpose (see `unsafeNameProblem`).
 */
const UNSAFE_PREFIXES = ["LD_", "DYLD_"];
const UNSAFE_NAMES = new Set([
  "PATH",
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_EXTRA_CA_CERTS",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "NODE_REPL_EXTERNAL_MODULE",
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "IFS",
  "PROMPT_COMMAND",
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONSTARTUP",
  "PYTHONINSPECT",
  "PERL5OPT",
  "PERL5LIB",
  "PERLLIB",
  "RUBYOPT",
  "RUBYLIB",
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "GCONV_PATH",
]);

/** Why an operator may not set `name` without an admin saying so, or null when they may. */
export function unsafeNameProblem(name: string): string | null {
  const upper = name.toUpperCase();
  if (!UNSAFE_NAMES.has(upper) && !UNSAFE_PREFIXES.some((prefix) => upper.startsWith(prefix)))
    return null;
  return `"${name}" changes how the server's process loads or runs code (loader, preload and interpreter variables, and PATH, are refused): an admin may set it on purpose with "allowUnsafeName": true`;
}

/**
 * Why `name` cannot be declared by an author or operator, or null when it can. The message names
 * the variable and the rule, for an API error, a form or a start-up failure alike.
 */
export function variableNameProblem(name: string): string | null {
  if (name.length > MAX_VARIABLE_NAME_LENGTH) {
    return `"${name.slice(0, 32)}…" is too long: a name has at most ${MAX_VARIABLE_NAME_LENGTH} characters`;
  }
  if (!VARIABLE_NAME.test(name)) {
    return `"${name}" is not a valid name: use letters, digits and _, not starting with a digit`;
  }
  if (isReservedName(name)) {
    return `"${name}" is reserved: names starting with GUMSTACK_ or GUMLOOP_ (in any letter case) belong to the platform`;
  }
  return null;
}

/** The environment without the platform's own variables: what a server's tools may see. */
export function withoutReserved(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isReservedName(name)) kept[name] = value;
  }
  return kept;
}
