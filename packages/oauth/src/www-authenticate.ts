/**
 * RFC 9110 §11.6.1 / RFC 6750 §3: the parameters of the `Bearer` challenge in a WWW-Authenticate
 * header (`error`, `scope`, RFC 9728's `resource_metadata`...), names lowercased. A header may
 * carry several challenges (`Basic realm="x", Bearer error="invalid_token"`); only Bearer's are
 * read. Undefined when the header has no Bearer challenge.
 */
export function parseBearerChallenge(header: string | null): Record<string, string> | undefined {
  if (header === null) return undefined;
  let params: Record<string, string> | undefined;
  // One pass over `scheme`, `name=value` and `name="quoted"` tokens; the header is short.
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*))?\s*,?/y;
  for (let match = token.exec(header); match !== null; match = token.exec(header)) {
    const [, name = "", rawValue] = match;
    if (rawValue === undefined) {
      // A bare token starts the next challenge (its scheme), or is a token68 we do not need.
      if (params !== undefined) break;
      if (name.toLowerCase() === "bearer") params = {};
      continue;
    }
    if (params === undefined) continue;
    params[name.toLowerCase()] = rawValue.startsWith('"')
      ? rawValue.slice(1, -1).replace(/\\(.)/g, "$1")
      : rawValue;
  }
  return params;
}
