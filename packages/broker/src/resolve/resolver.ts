import { type Id, users } from "@gumstack/db";
import { ProviderUnavailableError } from "@gumstack/oauth";
import {
  AuthTypeMismatchError,
  CredentialsUnavailableError,
  issueTicket,
  readFieldValues,
  UnknownUserError,
} from "@gumstack/runtime";
import type {
  AskedKind,
  AuthRequired,
  CredAnswer,
  CredentialsAnswer,
  OAuthAnswer,
} from "@gumstack/runtime/internal-api";
import { VaultDecryptError } from "@gumstack/vault";
import { eq } from "drizzle-orm";
import { credentialsOf } from "../connection-store.js";
import { ConnectionRequiredError, RefreshUnavailableError } from "../errors.js";
import type { CredentialRequest, FieldRule, LinkPurpose, ResolverOptions } from "./types.js";

/**
 * The one answer to "what credentials does user U get for server S": the values, or the link the
 * user must follow first. The standalone host's credential source and the platform's
 * /internal/credentials both ask it, so the two can never disagree. It knows nothing of HTTP:
 * failures are the classes of @gumstack/runtime's credential-errors, which the internal API
 * carries across as they are.
 */
export class CredentialResolver {
  constructor(private readonly o: ResolverOptions) {}

  /**
   * `none` answers at once (getCredentials("none") is synchronous); `oauth` and `cred` answer
   * `ok` with the credentials, or `auth_required` with a link.
   * @throws AuthTypeMismatchError when `kind` is not the server's auth type,
   * UnknownUserError when the user no longer exists, CredentialsUnavailableError when a token
   * cannot be refreshed now, DeadlineExceededError when the refresh outlasts the deadline.
   */
  resolve(request: CredentialRequest<"none">): Readonly<Record<string, string>>;
  resolve<K extends AskedKind>(request: CredentialRequest<K>): Promise<CredentialsAnswer<K>>;
  resolve(
    request: CredentialRequest,
  ): Readonly<Record<string, string>> | Promise<OAuthAnswer | CredAnswer> {
    const { server, kind } = request;
    const mismatch = () => AuthTypeMismatchError.of(server.name, server.auth.type, kind);
    if (kind === "none") {
      if (server.auth.type !== "none") throw mismatch();
      if (!this.o.environment) throw new Error("this resolver was given no environment");
      return this.o.environment;
    }
    if (server.auth.type === "oauth" && kind === "oauth")
      return this.oauth(request, server.auth.provider);
    if (server.auth.type === "cred" && kind === "cred")
      return this.fieldValues(request, server.auth.fields);
    return Promise.reject(mismatch());
  }

  private async oauth(request: CredentialRequest, provider: string): Promise<OAuthAnswer> {
    const { broker } = this.o;
    if (!broker) throw new Error("this resolver was given no broker for oauth servers");
    try {
      const grant = await broker.accessToken({
        userId: request.userId as Id<"user">,
        serverId: request.server.id,
        provider,
        ...(request.deadline === undefined ? {} : { deadline: request.deadline }),
        ...(request.sharedWith === undefined ? {} : { sharedWith: request.sharedWith }),
      });
      return { status: "ok", credentials: credentialsOf(grant) };
    } catch (error) {
      if (error instanceof ConnectionRequiredError)
        return this.authRequired(request, "connect", error.reason, provider);
      if (error instanceof VaultDecryptError) {
        this.unreadable(request, error);
        return this.authRequired(request, "connect", "needs_reauth", provider);
      }
      if (error instanceof RefreshUnavailableError || error instanceof ProviderUnavailableError) {
        throw new CredentialsUnavailableError(
          `the ${provider} token cannot be refreshed now; try again`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async fieldValues(
    request: CredentialRequest,
    fields: readonly FieldRule[],
  ): Promise<CredAnswer> {
    const { db, vault } = this.o;
    let values: Record<string, string> | null;
    try {
      values = await readFieldValues(db, vault, request.userId, request.server.id);
    } catch (error) {
      if (!(error instanceof VaultDecryptError)) throw error;
      this.unreadable(request, error);
      values = null;
    }
    if (values === null || fields.some((f) => !f.optional && !values[f.name])) {
      return this.authRequired(request, "form", "credentials_missing", request.server.name);
    }
    return {
      status: "ok",
      credentials: { values, secret: fields.filter((f) => f.secret).map((f) => f.name) },
    };
  }

  /** The link the user must follow; only for a user who exists, or it would lead nowhere. */
  private async authRequired(
    request: CredentialRequest,
    purpose: LinkPurpose,
    reason: AuthRequired["reason"],
    what: string,
  ): Promise<AuthRequired> {
    const { db, vault, now, link } = this.o;
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, request.userId as Id<"user">));
    if (!user) throw UnknownUserError.of(request.userId);
    const ticket = issueTicket(
      vault,
      { userId: request.userId, serverId: request.server.id, purpose },
      now(),
    );
    return { status: "auth_required", reason, what, url: link(purpose, ticket, request.server) };
  }

  /** A secret no key opens: the user is asked for it again, which replaces the row. */
  private unreadable(request: CredentialRequest, error: VaultDecryptError): void {
    const { table, field, id } = error.location;
    this.o.log.warn("stored credentials could not be opened: the user is asked for them again", {
      userId: request.userId,
      serverId: request.server.id,
      row: `${table}.${field} of ${id}`,
      reason: error.reason,
    });
  }
}
