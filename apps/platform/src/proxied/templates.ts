import { isReservedName, VARIABLE_NAME } from "@gumstack/sdk";

/*
 * The one templating syntax of proxied servers, in `env`, `args` and `headers` alike:
 *
 *   ${NAME}                  an operator variable of the server (set in the dashboard)
 *   ${cred.api_key}          the caller's value of a declared cred field
 *   ${oauth.access_token}    the caller's OAuth connection: its access token, or
 *   ${oauth.extras.team_id}  one of the provider's extras (Slack's team id, Atlassian's cloud id)
 *   $${                      a literal "${"
 *
 * A template is parsed once, when the configuration is read: a syntax error or an unknown name
 * stops the deploy with a message naming the field and the name. Expansion is one pass: a value
 * that itself contains "${" is inserted as it is, never expanded again. Values are secrets: no
 * message here ever contains one.
 */

export type Reference =
  | { source: "env"; name: string }
  | { source: "cred"; name: string }
  | { source: "oauth"; name: "access_token" }
  | { source: "oauth-extra"; name: string };

type Part = string | Reference;

export class TemplateError extends Error {
  override readonly name = "TemplateError";
  constructor(
    /** Where the template is, e.g. `env.GITHUB_TOKEN` or `headers.Authorization`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** What the caller and the server have, for expanding a template. */
export interface Values {
  env: Readonly<Record<string, string>>;
  /** Undefined for a server without cred fields, or a caller without saved ones. */
  cred?: Readonly<Record<string, string>>;
  oauth?: {
    accessToken: string;
    extras: Readonly<Record<string, string>>;
    /** The connection the token is of (never expanded: which row to mark if it is refused). */
    connectionId?: string;
  };
}

/** What a template may name, from the server's configuration. */
export interface Known {
  env: ReadonlySet<string>;
  cred: ReadonlySet<string>;
  /** The server is `oauth`: `${oauth.…}` may be used. */
  oauth: boolean;
}

const MAX_TEMPLATE_LENGTH = 16 * 1024;
const EXTRA_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export class Template {
  private constructor(
    readonly field: string,
    private readonly parts: readonly Part[],
  ) {}

  /** Parses `text`; throws TemplateError naming `field` for bad syntax. */
  static parse(field: string, text: string): Template {
    if (text.length > MAX_TEMPLATE_LENGTH)
      throw new TemplateError(field, `longer than ${MAX_TEMPLATE_LENGTH} characters`);
    const parts: Part[] = [];
    let literal = "";
    let at = 0;
    while (at < text.length) {
      const dollar = text.indexOf("$", at);
      if (dollar < 0) {
        literal += text.slice(at);
        break;
      }
      literal += text.slice(at, dollar);
      if (text.startsWith("$${", dollar)) {
        literal += "${";
        at = dollar + 3;
        continue;
      }
      if (!text.startsWith("${", dollar)) {
        // A lone "$" (a price, a shell variable written $HOME) is just a character.
        literal += "$";
        at = dollar + 1;
        continue;
      }
      const close = text.indexOf("}", dollar + 2);
      if (close < 0)
        throw new TemplateError(field, `"\${" at character ${dollar + 1} is not closed by "}"`);
      if (literal !== "") parts.push(literal);
      literal = "";
      parts.push(reference(field, text.slice(dollar + 2, close).trim()));
      at = close + 1;
    }
    if (literal !== "") parts.push(literal);
    return new Template(field, parts);
  }

  get references(): readonly Reference[] {
    return this.parts.filter((part): part is Reference => typeof part !== "string");
  }

  /** True when the expansion depends on who calls (a cred field or an OAuth value). */
  get perUser(): boolean {
    return this.references.some((ref) => ref.source !== "env");
  }

  /** Every name this template uses that the server does not have, as messages naming them. */
  unknown(known: Known): string[] {
    const problems: string[] = [];
    for (const ref of this.references) {
      if (ref.source === "env" && !known.env.has(ref.name))
        problems.push(`\${${ref.name}} is not one of the server's variables`);
      if (ref.source === "cred" && !known.cred.has(ref.name))
        problems.push(`\${cred.${ref.name}} is not one of the server's cred fields`);
      if ((ref.source === "oauth" || ref.source === "oauth-extra") && !known.oauth)
        problems.push(`\${oauth.…} needs the server's auth mode to be oauth`);
    }
    return problems;
  }

  /**
   * The text with every reference replaced. Throws TemplateError naming the reference (never its
   * value) when the caller has not provided it.
   */
  expand(values: Values): string {
    let out = "";
    for (const part of this.parts) {
      if (typeof part === "string") out += part;
      else out += this.valueOf(part, values);
    }
    return out;
  }

  private valueOf(ref: Reference, values: Values): string {
    let value: string | undefined;
    switch (ref.source) {
      case "env":
        value = values.env[ref.name];
        break;
      case "cred":
        value = values.cred?.[ref.name];
        break;
      case "oauth":
        value = values.oauth?.accessToken;
        break;
      case "oauth-extra":
        value = values.oauth?.extras[ref.name];
        break;
    }
    if (value === undefined)
      throw new TemplateError(this.field, `${describe(ref)} has no value for this caller`);
    return value;
  }
}

function reference(field: string, inner: string): Reference {
  const dot = inner.indexOf(".");
  if (dot < 0) {
    if (!VARIABLE_NAME.test(inner))
      throw new TemplateError(field, `"\${${inner}}" is not a variable name`);
    if (isReservedName(inner))
      throw new TemplateError(
        field,
        `\${${inner}} is reserved: names starting with GUMSTACK_ or GUMLOOP_ belong to the platform`,
      );
    return { source: "env", name: inner };
  }
  const source = inner.slice(0, dot);
  const rest = inner.slice(dot + 1);
  if (source === "cred") {
    if (!VARIABLE_NAME.test(rest))
      throw new TemplateError(field, `"\${${inner}}": "${rest}" is not a cred field name`);
    return { source: "cred", name: rest };
  }
  if (source === "oauth") {
    if (rest === "access_token") return { source: "oauth", name: "access_token" };
    if (rest.startsWith("extras.") && EXTRA_NAME.test(rest.slice("extras.".length)))
      return { source: "oauth-extra", name: rest.slice("extras.".length) };
    throw new TemplateError(
      field,
      `"\${${inner}}": an OAuth value is \${oauth.access_token} or \${oauth.extras.<name>}`,
    );
  }
  throw new TemplateError(
    field,
    `"\${${inner}}": a name is a variable, cred.<field> or oauth.<value>`,
  );
}

function describe(ref: Reference): string {
  switch (ref.source) {
    case "env":
      return `\${${ref.name}}`;
    case "cred":
      return `\${cred.${ref.name}}`;
    case "oauth":
      return "${oauth.access_token}";
    case "oauth-extra":
      return `\${oauth.extras.${ref.name}}`;
  }
}
