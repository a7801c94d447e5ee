// The platform's control-plane API as a signed-in browser uses it: the session cookie on every
// call, and the session's CSRF token on every write.

const CALL_TIMEOUT_MS = 60_000;

export class PlatformApiError extends Error {
  override readonly name = "PlatformApiError";
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: ${status} ${body.slice(0, 500)}`);
  }
}

export class PlatformApi {
  private cookie = "";
  private csrfToken = "";

  constructor(readonly url: string) {}

  /** Signs up (a new account) or in (an existing one) and keeps the session for later calls. */
  async signIn(
    how: "sign-up" | "sign-in",
    account: { email: string; password: string; name?: string; invite?: string },
  ): Promise<{ userId: string }> {
    const response = await this.send("POST", `/api/auth/${how}`, account);
    const body = await this.read(response, `POST /api/auth/${how}`);
    this.cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    this.csrfToken = stringAt(body, "csrfToken");
    return { userId: stringAt(body, "user", "id") };
  }

  /** The parsed JSON answer; a status other than 2xx throws PlatformApiError. */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    return this.read(await this.send(method, path, body), `${method} ${path}`);
  }

  private send(method: string, path: string, body: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        "x-csrf-token": this.csrfToken,
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  }

  private async read(response: Response, what: string): Promise<unknown> {
    const text = await response.text();
    if (!response.ok) throw new PlatformApiError(response.status, text, what);
    return JSON.parse(text);
  }
}

/** The string at `path` in a JSON answer; throws, showing the answer, when there is none. */
export function stringAt(value: unknown, ...path: string[]): string {
  let at = value;
  for (const key of path) {
    at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  }
  if (typeof at !== "string") throw new Error(`no ${path.join(".")} in ${JSON.stringify(value)}`);
  return at;
}
