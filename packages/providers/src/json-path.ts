/**
 * Narrowing for provider answers, which stay `unknown` until checked: the value at a path of
 * object members, and the non-empty string there.
 */
export function memberAt(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  const found = memberAt(value, ...path);
  return typeof found === "string" && found.length > 0 ? found : undefined;
}

/** The first of several paths that holds a non-empty string. */
export function firstString(
  value: unknown,
  paths: readonly (readonly string[])[],
): string | undefined {
  for (const path of paths) {
    const found = stringAt(value, ...path);
    if (found !== undefined) return found;
  }
  return undefined;
}
