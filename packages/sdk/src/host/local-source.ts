import { type Broker, ConnectionRequiredError, credentialsOf } from "@gumstack/broker";
import type { Database, Id } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { issueTicket, readFieldValues } from "@gumstack/runtime";
import { type Vault, VaultDecryptError } from "@gumstack/vault";
import type { ServerConfig } from "../config.js";
import type { CallContext, CredentialSource, FieldValues, OAuthCredentials } from "../context.js";
import { AuthRequiredError } from "../errors.js";
import { handOutEnv } from "./handed-out.js";

export interface LocalSourceOptions {
  config: ServerConfig;
  serverId: Id<"server">;
  db: Database;
  vault: Vault;
  log: Logger;
  /** Present for oauth servers. */
  broker: Broker | undefined;
  provider: string | undefined;
  publicUrl: string;
  env: Readonly<Record<string, string>>;
  now: () => number;
}

/** Credentials from this process's own store: the standalone host. */
export class LocalCredentialSource implements CredentialSource {
  readonly authType: ServerConfig["auth"]["type"];

  constructor(private readonly o: LocalSourceOptions) {
    this.authType = o.config.auth.type;
  }

  private link(call: CallContext, purpose: "connect" | "form"): string {
    const ticket = issueTicket(
      this.o.vault,
      { userId: call.userId, serverId: call.serverId, purpose },
      this.o.now(),
    );
    const path = purpose === "connect" ? "/auth/start" : "/auth/form";
    return `${this.o.publicUrl}${path}?ticket=${ticket}`;
  }

  async oauth(call: CallContext): Promise<OAuthCredentials> {
    const { broker, provider } = this.o;
    if (!broker || !provider) throw new Error("this server has no auth provider registered");
    try {
      const grant = await broker.accessToken({
        userId: call.userId as Id<"user">,
        serverId: this.o.serverId,
        provider,
      });
      call.handedOut.add(grant.accessToken);
      return credentialsOf(grant);
    } catch (error) {
      if (!(error instanceof ConnectionRequiredError)) throw error;
      throw new AuthRequiredError(this.link(call, "connect"), error.reason, provider);
    }
  }

  async cred(call: CallContext): Promise<FieldValues> {
    const { config } = this.o;
    if (config.auth.type !== "cred") throw new Error("not a cred server");
    let values: Record<string, string> | null;
    try {
      values = await readFieldValues(this.o.db, this.o.vault, call.userId, call.serverId);
    } catch (error) {
      if (!(error instanceof VaultDecryptError)) throw error;
      // The user enters them again, which replaces the row.
      this.o.log.warn("stored credentials could not be opened", {
        userId: call.userId,
        reason: error.reason,
      });
      values = null;
    }
    const fields = config.auth.fields;
    const missing = fields.filter((f) => !f.optional && !values?.[f.name]);
    if (values === null || missing.length > 0) {
      throw new AuthRequiredError(this.link(call, "form"), "credentials_missing", config.name);
    }
    for (const field of fields) {
      const value = values[field.name];
      if (field.secret && value) call.handedOut.add(value);
    }
    return values;
  }

  env(call: CallContext): Readonly<Record<string, string>> {
    return handOutEnv(call, this.o.env);
  }
}
