/** A provider's configuration in the environment is wrong; the message names the variable. */
export class ProviderConfigError extends Error {
  override readonly name = "ProviderConfigError";
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A variable that must be set; empty counts as unset. */
export function requiredVariable(env: Env, variable: string, title: string): string {
  const value = env[variable]?.trim();
  if (!value) {
    throw new ProviderConfigError(
      variable,
      `${variable} is not set: the ${title} provider needs it (set it in the server's environment)`,
    );
  }
  return value;
}

export function optionalVariable(env: Env, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value ? value : undefined;
}

/** A base URL from the environment, checked (see checkedUrl). */
export function urlVariable(env: Env, variable: string): string | undefined {
  const value = optionalVariable(env, variable);
  return value === undefined ? undefined : checkedUrl(variable, value);
}

/** A base URL must be https; http is accepted only on loopback, where tests and proxies run. */
export function checkedUrl(variable: string, value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  const loopback = url?.hostname === "127.0.0.1" || url?.hostname === "localhost";
  if (!(url?.protocol === "https:" || (url?.protocol === "http:" && loopback))) {
    throw new ProviderConfigError(variable, `${variable} must be an https URL, not "${value}"`);
  }
  return value;
}
