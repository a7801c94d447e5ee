import type { CredentialResolver, CredentialServer } from "@gumstack/broker";
import type { AuthMode } from "../config.js";
import type { CallContext, CredentialSource, FieldValues, OAuthCredentials } from "../context.js";
import { handOutEnv, handOutFields, handOutOAuth, type OnAuthRequired } from "./handed-out.js";

/** Credentials from this process's own store (the standalone host), through the resolver. */
export class LocalCredentialSource implements CredentialSource {
  readonly authType: AuthMode;

  constructor(
    private readonly resolver: CredentialResolver,
    private readonly server: CredentialServer,
    private readonly onAuthRequired?: OnAuthRequired,
  ) {
    this.authType = server.auth.type;
  }

  async oauth(call: CallContext): Promise<OAuthCredentials> {
    const answer = await this.resolver.resolve({
      userId: call.userId,
      server: this.server,
      kind: "oauth",
    });
    return handOutOAuth(call, answer, this.onAuthRequired);
  }

  async cred(call: CallContext): Promise<FieldValues> {
    const answer = await this.resolver.resolve({
      userId: call.userId,
      server: this.server,
      kind: "cred",
    });
    return handOutFields(call, answer, this.onAuthRequired);
  }

  env(call: CallContext): Readonly<Record<string, string>> {
    const env = this.resolver.resolve({ userId: call.userId, server: this.server, kind: "none" });
    return handOutEnv(call, env);
  }
}
