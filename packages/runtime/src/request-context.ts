import { createHmac, timingSafeEqual } from "node:crypto";
import type { Vault } from "@gumstack/vault";

/**
 * What the gateway tells a hosted server about one request: whose it is, for which server, and
 * until when. Signed with that server's runtime secret, so only the platform can mint it and only
 * that server accepts it. It lives as long as a long tool call may (progress reports, a question
 * the user takes a while to answer), 15 minutes at most; what waits on the request's behalf (a
 * credentials call) has its own, shorter deadline: CREDENTIALS_WAIT_MS.
 */
export interface RequestContext {
  userId: string;
  serverId: string;
  requestId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export const CONTEXT_HEADER = "x-gumstack-context";
export const MAX_CONTEXT_TTL_MS = 15 * 60_000;

/**
 * A server's runtime secret: derived from the vault's keys (HMAC), so it needs no storage and the
 * platform can check any server's secret. The platform hands it to the server's process only.
 */
export function runtimeSecretFor(vault: Vault, serverId: string): string {
  return vault.sign("runtime-secret", serverId);
}

export function isRuntimeSecret(
  vault: Vault,
  serverId: string,
  given: string | undefined,
): boolean {
  return given !== undefined && vault.verify("runtime-secret", serverId, given);
}

const tagOf = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest();

export function mintContext(
  runtimeSecret: string,
  context: Omit<RequestContext, "expiresAt">,
  now: number,
  ttlMs = MAX_CONTEXT_TTL_MS,
): string {
  const expiresAt = now + Math.min(ttlMs, MAX_CONTEXT_TTL_MS);
  const body = Buffer.from(
    JSON.stringify([context.userId, context.serverId, context.requestId, expiresAt]),
  ).toString("base64url");
  return `${body}.${tagOf(runtimeSecret, body).toString("base64url")}`;
}

export type ContextProblem = "invalid" | "expired" | "wrong_server";

/** The context, if it was minted with `runtimeSecret` for `serverId` and has not expired. */
export function readContext(
  runtimeSecret: string,
  token: string | undefined,
  serverId: string,
  now: number,
): RequestContext | { problem: ContextProblem } {
  const dot = token?.indexOf(".") ?? -1;
  if (!token || dot <= 0) return { problem: "invalid" };
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = tagOf(runtimeSecret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { problem: "invalid" };
  const fields: unknown = JSON.parse(Buffer.from(body, "base64url").toString());
  if (
    !Array.isArray(fields) ||
    typeof fields[0] !== "string" ||
    typeof fields[1] !== "string" ||
    typeof fields[2] !== "string" ||
    typeof fields[3] !== "number"
  ) {
    return { problem: "invalid" };
  }
  if (fields[1] !== serverId) return { problem: "wrong_server" };
  if (fields[3] <= now) return { problem: "expired" };
  return { userId: fields[0], serverId: fields[1], requestId: fields[2], expiresAt: fields[3] };
}
