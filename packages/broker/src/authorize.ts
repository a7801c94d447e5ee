import { type Database, type Id, newId, oauthStates } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { type AuthProvider, createCodeVerifier, OAuthError } from "@gumstack/oauth";
import type { Vault } from "@gumstack/vault";
import { and, eq, isNull } from "drizzle-orm";
import { type ConnectionRow, saveConnection } from "./connection-store.js";
import { CallbackError } from "./errors.js";
import { expiryOf } from "./expiry.js";
import type { ResolvedOptions } from "./options.js";
import { randomToken, sameHash, sha256 } from "./random.js";
import { checkReturnUrl } from "./return-url.js";

export interface BeginInput {
  userId: Id<"user">;
  serverId: Id<"server">;
  provider: string;
  scopes?: readonly string[];
  returnTo?: string;
}

export interface Begun {
  /** The provider's authorization URL: redirect the browser there. */
  url: URL;
  /** Set as a cookie with this name and value: it binds the state to this browser. */
  cookie: { name: string; value: string; maxAgeSeconds: number };
}

/** The cookie of one authorization: one per state, so two tabs can connect two accounts. */
export const browserCookieName = (stateHash: string) => `gs_auth_${stateHash.slice(0, 16)}`;

const verifierLocation = (id: string) => ({ table: "oauth_states", id, field: "code_verifier" });

export interface CallbackInput {
  state: string | undefined;
  code: string | undefined;
  error: string | undefined;
  errorDescription: string | undefined;
  /** The response's `iss` (RFC 9207), for a provider that checks it against its issuer. */
  issuer?: string | undefined;
  cookie: (name: string) => string | undefined;
  /**
   * Who the browser is signed in as, where browsers sign in (the platform): an authorization
   * begun for another user is refused, so a connection is never filed under someone else.
   */
  signedInAs?: Id<"user"> | null;
}

export interface Completed {
  connection: ConnectionRow;
  returnTo: string | null;
}

export class Authorizations {
  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    private readonly log: Logger,
    private readonly options: ResolvedOptions,
  ) {}

  private async providerOf(name: string, serverId: Id<"server">): Promise<AuthProvider> {
    const provider = await this.options.provider(name, serverId);
    if (!provider) throw new RangeError(`no auth provider named "${name}" is registered`);
    return provider;
  }

  async begin(input: BeginInput): Promise<Begun> {
    const provider = await this.providerOf(input.provider, input.serverId);
    const returnTo =
      input.returnTo === undefined
        ? null
        : checkReturnUrl(
            input.returnTo,
            new URL(this.options.callbackUrl).origin,
            this.options.allowedReturnUrls,
          );
    const state = randomToken();
    const browser = randomToken();
    const id = newId("oauthState");
    const codeVerifier = provider.pkce === false ? undefined : createCodeVerifier();
    const scopes = [...(input.scopes ?? provider.defaultScopes ?? [])];
    const stateHash = sha256(state);
    await this.db.insert(oauthStates).values({
      id,
      stateHash,
      browserHash: sha256(browser),
      userId: input.userId,
      serverId: input.serverId,
      provider: provider.name,
      redirectUri: this.options.callbackUrl,
      returnTo,
      scopes,
      codeVerifier:
        codeVerifier === undefined ? null : this.vault.encrypt(codeVerifier, verifierLocation(id)),
      expiresAt: new Date(this.options.now() + this.options.stateTtlMs),
    });
    const url = await provider.getUrl(this.options.callbackUrl, state, {
      scopes,
      ...(codeVerifier === undefined ? {} : { codeVerifier }),
    });
    return {
      url,
      cookie: {
        name: browserCookieName(stateHash),
        value: browser,
        maxAgeSeconds: Math.ceil(this.options.stateTtlMs / 1000),
      },
    };
  }

  /** Validates the state, exchanges the code and stores the connection; or stores nothing. */
  async complete(input: CallbackInput): Promise<Completed> {
    if (!input.state) {
      throw new CallbackError("missing_state", "The provider sent no state; start again.");
    }
    const stateHash = sha256(input.state);
    const [row] = await this.db
      .select()
      .from(oauthStates)
      .where(eq(oauthStates.stateHash, stateHash));
    if (!row) {
      throw new CallbackError(
        "unknown_state",
        "This sign-in link is not one we started; start again.",
      );
    }
    if (row.usedAt !== null) {
      throw new CallbackError(
        "replayed_state",
        "This sign-in was already completed; start again to connect another account.",
      );
    }
    if (row.expiresAt.getTime() <= this.options.now()) {
      throw new CallbackError(
        "expired_state",
        "This sign-in took too long and expired; start again.",
      );
    }
    const browser = input.cookie(browserCookieName(stateHash));
    if (browser === undefined || !sameHash(sha256(browser), row.browserHash)) {
      throw new CallbackError(
        "wrong_browser",
        "This sign-in was started in another browser; start again in this one.",
      );
    }
    if (input.signedInAs !== undefined && input.signedInAs !== row.userId) {
      throw new CallbackError(
        "wrong_user",
        input.signedInAs === null
          ? "You are not signed in any more; sign in and connect again."
          : "This sign-in was started for another account than the one signed in here; start again.",
      );
    }
    // Single use: whoever marks it used first proceeds, anyone after is a replay.
    const [claimed] = await this.db
      .update(oauthStates)
      .set({ usedAt: new Date(this.options.now()) })
      .where(and(eq(oauthStates.id, row.id), isNull(oauthStates.usedAt)))
      .returning({ id: oauthStates.id });
    if (!claimed) {
      throw new CallbackError("replayed_state", "This sign-in was already completed; start again.");
    }
    if (input.error) {
      throw new CallbackError(
        "provider_error",
        `${row.provider} did not grant access: ${input.error}${input.errorDescription ? ` (${input.errorDescription})` : ""}.`,
      );
    }
    if (!input.code) {
      throw new CallbackError(
        "missing_code",
        `${row.provider} sent no authorization code; start again.`,
      );
    }
    const codeVerifier =
      row.codeVerifier === null
        ? undefined
        : this.vault.decrypt(row.codeVerifier, verifierLocation(row.id));
    try {
      const provider = await this.providerOf(row.provider, row.serverId);
      const tokens = await provider.exchange(input.code, row.redirectUri, {
        ...(codeVerifier === undefined ? {} : { codeVerifier }),
        ...(input.issuer === undefined ? {} : { issuer: input.issuer }),
      });
      const nickname = await provider.getNickname(tokens.accessToken);
      const connection = await saveConnection(this.db, this.vault, {
        userId: row.userId,
        serverId: row.serverId,
        provider: row.provider,
        nickname,
        tokens,
        expiresAt: expiryOf(tokens, provider, this.options.now()),
        requestedScopes: row.scopes,
      });
      this.log.info("account connected", {
        connectionId: connection.id,
        provider: row.provider,
        userId: row.userId,
      });
      return { connection, returnTo: row.returnTo };
    } catch (error) {
      const detail = error instanceof OAuthError ? error.code : "the provider could not be reached";
      this.log.warn("authorization code exchange failed", {
        provider: row.provider,
        reason: error instanceof Error ? error.name : "unknown",
        detail,
      });
      throw new CallbackError(
        "exchange_failed",
        `Connecting to ${row.provider} failed (${detail}); start again.`,
        { cause: error },
      );
    }
  }
}
