import type { Logger } from "@gumstack/log";
import { CREDENTIALS_WAIT_MS, HOP_MARGIN_MS } from "@gumstack/runtime";
import { type AskedKind, PlatformRefusedError } from "@gumstack/runtime/internal-api";
import type { AuthMode } from "../config.js";
import type { CallContext, CredentialSource, FieldValues, OAuthCredentials } from "../context.js";
import { handOutEnv, handOutFields, handOutOAuth, type OnAuthRequired } from "./handed-out.js";
import type { PlatformClient } from "./platform-client.js";

export interface HostedSourceOptions {
  authType: AuthMode;
  client: PlatformClient;
  env: Readonly<Record<string, string>>;
  log: Logger;
  now: () => number;
  /** Told each link handed out, so the activity record can tell auth_required from an error. */
  onAuthRequired?: OnAuthRequired;
}

/**
 * Credentials of a hosted server: asked of the platform for the user of the request, with the
 * request's signed context and this server's runtime secret; the platform answers only for that
 * user, on that server, while the context lives. The wait ends a margin before the context does,
 * and the platform is told so. Environment variables are the process's own.
 */
export class HostedCredentialSource implements CredentialSource {
  readonly authType: AuthMode;

  constructor(private readonly o: HostedSourceOptions) {
    this.authType = o.authType;
  }

  private async ask<K extends AskedKind>(call: CallContext, kind: K) {
    // However long the request has run, the wait is this call's own, within its context.
    const deadline = Math.min(call.deadline ?? Infinity, this.o.now() + CREDENTIALS_WAIT_MS);
    try {
      return await this.o.client.credentials(kind, call.context ?? "", deadline - HOP_MARGIN_MS);
    } catch (error) {
      if (error instanceof PlatformRefusedError) {
        this.o.log.warn("the platform refused credentials", {
          status: error.status,
          code: error.code,
        });
      }
      throw error;
    }
  }

  async oauth(call: CallContext): Promise<OAuthCredentials> {
    return handOutOAuth(call, await this.ask(call, "oauth"), this.o.onAuthRequired);
  }

  async cred(call: CallContext): Promise<FieldValues> {
    return handOutFields(call, await this.ask(call, "cred"), this.o.onAuthRequired);
  }

  env(call: CallContext): Readonly<Record<string, string>> {
    return handOutEnv(call, this.o.env);
  }
}
