import { AsyncLocalStorage } from "node:async_hooks";
import type { ClientCapabilities, Implementation } from "@modelcontextprotocol/sdk/types.js";
import type { AuthMode } from "./config.js";

export interface OAuthCredentials {
  access_token: string;
  token_type: string;
  expires_at: Date | null;
  scopes: string[];
  provider: string;
  /** The connected account's display name. */
  nickname: string;
  connection_id: string;
  /** What the provider says a tool needs besides the token, no secret (Atlassian's `cloud_id`...). */
  extras: Record<string, string>;
}

export type FieldValues = Record<string, string>;

/** Where a call's credentials come from: the local store (standalone) or the platform (hosted). */
export interface CredentialSource {
  readonly authType: AuthMode;
  oauth(call: CallContext): Promise<OAuthCredentials>;
  cred(call: CallContext): Promise<FieldValues>;
  env(call: CallContext): Readonly<Record<string, string>>;
}

/** One MCP request being served: who for, and what was handed to its tools. */
export interface CallContext {
  userId: string;
  serverId: string;
  requestId: string;
  /** Hosted: the platform's signed context of this request, shown back when asking for credentials. */
  context?: string;
  /** Hosted: when that context expires (ms since the epoch); credentials must be had by then. */
  deadline?: number;
  source: CredentialSource;
  /** Credential values handed out during this call: the host removes them from its results. */
  handedOut: Set<string>;
  /** The MCP session the request belongs to; none for a request sent without one. */
  session?: SessionState;
}

/** What a session's client said of itself at `initialize`: its own, never another client's. */
export interface SessionState {
  readonly id: string;
  clientCapabilities?: ClientCapabilities;
  clientVersion?: Implementation;
}

export const callContext = new AsyncLocalStorage<CallContext>();
