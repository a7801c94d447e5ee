import type { Vault } from "@gumstack/vault";

/**
 * An authorization request between the consent page and its POST: its parameters, signed with
 * the session they were shown to, so a page cannot be posted from another session or with its
 * parameters changed. The POST checks them all again anyway (checkAuthorizeRequest).
 */
const PURPOSE = "mcp-authorize";
/** Long enough to connect an account or fill a form on the way; a stale page is refused. */
export const PENDING_TTL_MS = 30 * 60_000;

export function sealPending(
  vault: Vault,
  sessionId: string,
  params: URLSearchParams,
  now: number,
): string {
  const body = Buffer.from(JSON.stringify([now + PENDING_TTL_MS, params.toString()])).toString(
    "base64url",
  );
  return `${body}.${vault.sign(PURPOSE, `${sessionId}.${body}`)}`;
}

export function openPending(
  vault: Vault,
  sessionId: string,
  text: string | undefined,
  now: number,
): URLSearchParams | { problem: string } {
  const dot = text?.indexOf(".") ?? -1;
  if (
    !text ||
    dot === -1 ||
    !vault.verify(PURPOSE, `${sessionId}.${text.slice(0, dot)}`, text.slice(dot + 1))
  )
    return { problem: "This page was not shown to this session: start again from your app." };
  const fields: unknown = JSON.parse(Buffer.from(text.slice(0, dot), "base64url").toString());
  if (!Array.isArray(fields) || typeof fields[0] !== "number" || typeof fields[1] !== "string")
    return { problem: "This page was not shown to this session: start again from your app." };
  if (fields[0] <= now) return { problem: "This page has expired: start again from your app." };
  return new URLSearchParams(fields[1]);
}
