import type { Logger } from "@gumstack/log";
import type { Clock } from "@gumstack/runtime";
import type { ClientProblem, McpClient } from "../contracts.js";
import { checkClientMetadata } from "./client-metadata.js";
import {
  DocumentFetchError,
  DocumentTooLargeError,
  type FetchLimits,
  fetchDocument,
  type Resolve,
} from "./fetch-document.js";
import { LruCache } from "./lru-cache.js";

/*
 * Client ID Metadata Documents: a client_id that is an https URL names the client's own JSON
 * description, served from its own site. The document is the client: nothing is stored, it is
 * fetched when first needed and cached a while.
 */

/** Real documents are a few hundred bytes; 5 KiB leaves room for ten long redirect URIs. */
export const DOCUMENT_LIMITS: FetchLimits = { timeoutMs: 3_000, maxBytes: 5 * 1024 };

const MINUTE = 60_000;
/**
 * How long a fetched document is believed: its Cache-Control max-age, within [1 min, 24 h] (a
 * client may not make us fetch on every request, nor keep a changed document for days), else
 * 10 minutes. Failures are not kept: the next request tries again.
 */
export const DOCUMENT_CACHE = {
  maxEntries: 1_000,
  minTtlMs: MINUTE,
  maxTtlMs: 24 * 60 * MINUTE,
  defaultTtlMs: 10 * MINUTE,
} as const;

/**
 * Whether `clientId` names a metadata document: an https URL with a path, in its normal form,
 * with no fragment or user name (the CIMD draft's rules). With the development switch, an http
 * URL to loopback too. Undefined when it is not a URL at all (then it may be a stored client).
 */
export function documentUrlOf(
  clientId: string,
  allowPrivate: boolean,
): { url: URL } | { problem: string } | undefined {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(clientId)) return undefined;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return { problem: "client_id: is not a URL that can be read" };
  }
  const loopbackHttp =
    allowPrivate &&
    url.protocol === "http:" &&
    ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp)
    return { problem: "client_id: a URL client_id must be an https:// metadata document URL" };
  if (url.pathname === "/")
    return { problem: "client_id: a metadata document URL must have a path" };
  if (url.href !== clientId || clientId.includes("#") || url.username !== "" || url.password !== "")
    return {
      problem:
        "client_id: a metadata document URL must be in normal form, without a fragment, user name or dot segments",
    };
  return { url };
}

export interface MetadataDocumentsOptions {
  clock: Clock;
  log: Logger;
  allowPrivate: boolean;
  limits?: FetchLimits;
  resolve?: Resolve;
}

export class MetadataDocuments {
  private readonly cache = new LruCache<string, McpClient>(DOCUMENT_CACHE.maxEntries);
  /** Lookups under way: concurrent ones of the same URL wait for the same fetch. */
  private readonly pending = new Map<string, Promise<McpClient | ClientProblem>>();

  constructor(private readonly options: MetadataDocumentsOptions) {}

  /** The client a document URL describes, from the cache or fetched now. */
  find(url: URL): Promise<McpClient | ClientProblem> {
    const clientId = url.href;
    const cached = this.cache.get(clientId, this.options.clock.now());
    if (cached) return Promise.resolve(cached);
    const pending = this.pending.get(clientId);
    if (pending) return pending;
    const lookup = this.fetchClient(url).finally(() => this.pending.delete(clientId));
    this.pending.set(clientId, lookup);
    return lookup;
  }

  private async fetchClient(url: URL): Promise<McpClient | ClientProblem> {
    const { clock, allowPrivate, limits = DOCUMENT_LIMITS } = this.options;
    const clientId = url.href;
    let fetched: Awaited<ReturnType<typeof fetchDocument>>;
    try {
      fetched = await fetchDocument(url, {
        clock,
        allowPrivate,
        ...limits,
        ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
      });
    } catch (error) {
      // Anything else is our bug, not the client's: it goes up as a 500.
      if (!(error instanceof DocumentFetchError)) throw error;
      // Too large is what the document is; the others are about reaching it.
      return this.refused(
        clientId,
        error instanceof DocumentTooLargeError
          ? "invalid_client_metadata"
          : "client_metadata_unreachable",
        `the client's metadata document ${clientId} ${error.message}`,
        error,
      );
    }
    const client = this.clientOf(clientId, fetched.body);
    if ("problem" in client) return client;
    const ttlMs = Math.min(
      Math.max(
        fetched.maxAgeSeconds === undefined
          ? DOCUMENT_CACHE.defaultTtlMs
          : fetched.maxAgeSeconds * 1_000,
        DOCUMENT_CACHE.minTtlMs,
      ),
      DOCUMENT_CACHE.maxTtlMs,
    );
    this.cache.set(clientId, client, ttlMs, clock.now());
    return client;
  }

  private clientOf(clientId: string, body: string): McpClient | ClientProblem {
    const invalid = (why: string) =>
      this.refused(
        clientId,
        "invalid_client_metadata",
        `the client's metadata document ${clientId} is not valid: ${why}`,
      );
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch {
      return invalid("it is not JSON");
    }
    if (typeof document !== "object" || document === null || Array.isArray(document))
      return invalid("it is not a JSON object");
    const declared = "client_id" in document ? document.client_id : undefined;
    if (declared !== clientId) {
      return invalid(
        `client_id: must be the document's own URL exactly, not ${JSON.stringify(declared ?? null)?.slice(0, 200)}`,
      );
    }
    const checked = checkClientMetadata(document, { requireName: true, authMethods: ["none"] });
    if (!checked.ok) return invalid(checked.error_description);
    const { metadata } = checked;
    return {
      clientId,
      kind: "metadata-document",
      name: metadata.client_name,
      redirectUris: metadata.redirect_uris,
      tokenEndpointAuthMethod: "none",
      ...(metadata.client_uri === undefined ? {} : { clientUri: metadata.client_uri }),
      ...(metadata.logo_uri === undefined ? {} : { logoUri: metadata.logo_uri }),
    };
  }

  private refused(
    clientId: string,
    problem: ClientProblem["problem"],
    message: string,
    cause?: unknown,
  ): ClientProblem {
    this.options.log.info("refused a client metadata document", {
      clientId,
      message,
      ...(cause === undefined ? {} : { error: cause }),
    });
    return { problem, message };
  }
}
