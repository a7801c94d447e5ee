import type { Database, Id } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import type { CredentialKind } from "@gumstack/runtime";
import type { Vault } from "@gumstack/vault";
import type { Broker } from "../broker.js";

/** What the resolver needs of a cred server's declared field. */
export interface FieldRule {
  name: string;
  /** Secret values are redacted from replies; others (a workspace name) are not. */
  secret: boolean;
  optional: boolean;
}

/** How a server's users are given credentials: its auth type, with what that type needs. */
export type ServerAuth =
  | {
      type: "oauth" /** The provider's name, as its connections are stored under. */;
      provider: string;
    }
  | { type: "cred"; fields: readonly FieldRule[] }
  | { type: "none" };

export interface CredentialServer {
  id: Id<"server">;
  name: string;
  auth: ServerAuth;
}

export interface CredentialRequest<K extends CredentialKind = CredentialKind> {
  userId: string;
  server: CredentialServer;
  /** What the tool asked for: it must be the server's auth type. */
  kind: K;
  /** When the caller stops waiting (ms since the epoch); a refresh gives up by then. */
  deadline?: number;
  /** oauth: servers on the same provider app, whose connections serve here too (AccessRequest). */
  sharedWith?: readonly Id<"server">[];
}

export type LinkPurpose = "connect" | "form";

export interface ResolverOptions {
  db: Database;
  vault: Vault;
  log: Logger;
  /** Present where oauth servers are served. */
  broker: Broker | undefined;
  /**
   * The connect or form link for a ticket, for the server it is for: where `/auth/start` and
   * `/auth/form` live is the caller's business (the standalone host and the platform differ).
   */
  link: (purpose: LinkPurpose, ticket: string, server: CredentialServer) => string;
  /** What `none` servers hand their tools: the environment, without reserved variables. */
  environment?: Readonly<Record<string, string>>;
  now: () => number;
}
