import type { Database } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import type { Clock } from "@gumstack/runtime";
import type { ClientProblem, ClientRegistry, McpClient } from "../contracts.js";
import type { FetchLimits, Resolve } from "./fetch-document.js";
import { documentUrlOf, MetadataDocuments } from "./metadata-documents.js";
import { redirectUriMatches } from "./redirect-uris.js";
import { secretMatches } from "./secrets.js";
import { clientOf, findClientRow } from "./store.js";

/** Longer than any id we issue or an operator may choose (URLs are checked on their own). */
const MAX_STORED_CLIENT_ID_LENGTH = 100;

export interface ClientRegistryOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  /**
   * The development switch (GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS): metadata documents may be
   * fetched from loopback and private addresses, and over http from loopback.
   */
  allowPrivateClients: boolean;
  /** Tests only: other fetch limits, and a resolver in place of the system's DNS. */
  documents?: { limits?: FetchLimits; resolve?: Resolve };
}

/** Who a client_id is, wherever it comes from: a metadata document, or a row of mcp_clients. */
export function createClientRegistry(options: ClientRegistryOptions): ClientRegistry {
  const { db } = options;
  const documents = new MetadataDocuments({
    clock: options.clock,
    log: options.log,
    allowPrivate: options.allowPrivateClients,
    ...(options.documents?.limits ? { limits: options.documents.limits } : {}),
    ...(options.documents?.resolve ? { resolve: options.documents.resolve } : {}),
  });
  const unknown = (clientId: string): ClientProblem => ({
    problem: "unknown_client",
    message: `client_id: no client ${JSON.stringify(clientId.slice(0, MAX_STORED_CLIENT_ID_LENGTH))} is registered here (a registration may have been deleted: register again)`,
  });

  return {
    async find(clientId: string): Promise<McpClient | ClientProblem> {
      const document = documentUrlOf(clientId, options.allowPrivateClients);
      if (document && "problem" in document)
        return { problem: "unknown_client", message: document.problem };
      if (document) return documents.find(document.url);
      if (clientId === "" || clientId.length > MAX_STORED_CLIENT_ID_LENGTH)
        return unknown(clientId);
      const row = await findClientRow(db, clientId);
      return row ? clientOf(row) : unknown(clientId);
    },

    redirectAllowed(client: McpClient, redirectUri: string): boolean {
      return redirectUriMatches(client.redirectUris, redirectUri);
    },

    /**
     * A public client is authenticated when it sends no secret (one that sends a secret it was
     * never given is confused, or not who it says); a confidential one by its secret, against
     * the stored hash, read again so that a deleted client's secret stops working at once.
     */
    async authenticate(client: McpClient, secret: string | undefined): Promise<boolean> {
      if (client.tokenEndpointAuthMethod === "none") return secret === undefined;
      if (secret === undefined || client.kind === "metadata-document") return false;
      const row = await findClientRow(db, client.clientId);
      return row?.secretHash != null && secretMatches(secret, row.secretHash);
    },
  };
}
