import type { Logger } from "@gumstack/log";
import type { AuthMode } from "../config.js";
import type { CallContext, CredentialSource, FieldValues, OAuthCredentials } from "../context.js";
import { AuthRequiredError } from "../errors.js";
import { handOutEnv } from "./handed-out.js";

const TIMEOUT_MS = 15_000;

export interface HostedSourceOptions {
  authType: AuthMode;
  serverId: string;
  serverName: string;
  runtimeSecret: string;
  platformUrl: string;
  env: Readonly<Record<string, string>>;
  log: Logger;
  /** Told each link handed out, so the activity record can tell auth_required from an error. */
  onAuthRequired?: (call: CallContext, url: string) => void;
}

/**
 * Credentials of a hosted server: asked of the platform for the user of the request, with the
 * request's signed context and this server's runtime secret; the platform answers only for that
 * user, on that server, while the context lives. Environment variables are the process's own.
 */
export class HostedCredentialSource implements CredentialSource {
  readonly authType: AuthMode;

  constructor(private readonly o: HostedSourceOptions) {
    this.authType = o.authType;
  }

  private async ask(call: CallContext, kind: "oauth" | "cred"): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.o.platformUrl}/internal/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${this.o.runtimeSecret}`,
        "x-gumstack-server": this.o.serverId,
      },
      body: JSON.stringify({ kind, context: call.context }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body: unknown = await response.json().catch(() => null);
    if (typeof body !== "object" || body === null) {
      throw new Error(
        `the platform's credentials API answered ${response.status} without a JSON body`,
      );
    }
    const answer = body as Record<string, unknown>;
    if (
      response.status === 200 &&
      answer.status === "auth_required" &&
      typeof answer.url === "string"
    ) {
      const reason =
        answer.reason === "needs_reauth"
          ? "needs_reauth"
          : kind === "cred"
            ? "credentials_missing"
            : "not_connected";
      this.o.onAuthRequired?.(call, answer.url);
      throw new AuthRequiredError(
        answer.url,
        reason,
        typeof answer.what === "string" ? answer.what : this.o.serverName,
      );
    }
    if (
      response.status !== 200 ||
      typeof answer.credentials !== "object" ||
      answer.credentials === null
    ) {
      const error = answer.error as { code?: unknown; message?: unknown } | undefined;
      this.o.log.warn("the platform refused credentials", {
        status: response.status,
        code: String(error?.code),
      });
      throw new Error(
        `the platform refused credentials (${response.status} ${String(error?.code ?? "")})`,
      );
    }
    return answer.credentials as Record<string, unknown>;
  }

  async oauth(call: CallContext): Promise<OAuthCredentials> {
    const c = await this.ask(call, "oauth");
    if (typeof c.access_token !== "string") throw new Error("the platform sent no access token");
    call.handedOut.add(c.access_token);
    return {
      access_token: c.access_token,
      token_type: String(c.token_type ?? "bearer"),
      expires_at: typeof c.expires_at === "string" ? new Date(c.expires_at) : null,
      scopes: Array.isArray(c.scopes) ? c.scopes.map(String) : [],
      provider: String(c.provider ?? ""),
      nickname: String(c.nickname ?? ""),
      connection_id: String(c.connection_id ?? ""),
      extras:
        typeof c.extras === "object" && c.extras !== null
          ? Object.fromEntries(
              Object.entries(c.extras).filter(
                (entry): entry is [string, string] => typeof entry[1] === "string",
              ),
            )
          : {},
    };
  }

  async cred(call: CallContext): Promise<FieldValues> {
    const c = await this.ask(call, "cred");
    const values: FieldValues = {};
    for (const [name, value] of Object.entries(c.values ?? {})) {
      if (typeof value === "string") values[name] = value;
    }
    const secret = Array.isArray(c.secret) ? c.secret.map(String) : Object.keys(values);
    for (const name of secret) {
      const value = values[name];
      if (value) call.handedOut.add(value);
    }
    return values;
  }

  env(call: CallContext): Readonly<Record<string, string>> {
    return handOutEnv(call, this.o.env);
  }
}
