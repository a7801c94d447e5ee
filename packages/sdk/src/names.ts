/** Environment variable and credential field names: what a shell and our forms both accept. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GUMSTACK_* and GUMLOOP_* belong to the platform, in any letter case. */
const RESERVED_PREFIX = /^(gumstack|gumloop)_/i;

export function isReservedName(name: string): boolean {
  return RESERVED_PREFIX.test(name);
}

/**
 * Why `name` cannot be declared by an author or operator, or null when it can. The message names
 * the variable and the rule, for an API error, a form or a start-up failure alike.
 */
export function variableNameProblem(name: string): string | null {
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
