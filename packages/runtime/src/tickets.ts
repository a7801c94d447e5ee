import { createHash } from "node:crypto";
import { type Database, usedTickets } from "@gumstack/db";
import type { Vault } from "@gumstack/vault";
import { eq, lt } from "drizzle-orm";

/**
 * A connect or form link for one user and server: signed (HMAC under the vault's keys), short
 * lived, and self-contained, so any instance can check it with no table behind it. It travels
 * through the model as part of a tool result, which is why it carries no secret and expires.
 */
export interface Ticket {
  userId: string;
  serverId: string;
  purpose: "connect" | "form";
  expiresAt: number;
}

const PURPOSE = "ticket";
export const TICKET_TTL_MS = 15 * 60_000;

export function issueTicket(vault: Vault, ticket: Omit<Ticket, "expiresAt">, now: number): string {
  const body = Buffer.from(
    JSON.stringify([ticket.userId, ticket.serverId, ticket.purpose, now + TICKET_TTL_MS]),
  ).toString("base64url");
  return `${body}.${vault.sign(PURPOSE, body)}`;
}

/** The ticket, or why it cannot be used. */
export function readTicket(
  vault: Vault,
  text: string | undefined,
  purpose: Ticket["purpose"],
  now: number,
): Ticket | { problem: string } {
  const dot = text?.indexOf(".") ?? -1;
  if (!text || dot === -1 || !vault.verify(PURPOSE, text.slice(0, dot), text.slice(dot + 1))) {
    return { problem: "This link is not valid. Ask the tool again for a new one." };
  }
  const fields: unknown = JSON.parse(Buffer.from(text.slice(0, dot), "base64url").toString());
  if (
    !Array.isArray(fields) ||
    typeof fields[0] !== "string" ||
    typeof fields[1] !== "string" ||
    fields[2] !== purpose ||
    typeof fields[3] !== "number"
  ) {
    return { problem: "This link is not valid here. Ask the tool again for a new one." };
  }
  if (fields[3] <= now)
    return { problem: "This link has expired. Ask the tool again for a new one." };
  return { userId: fields[0], serverId: fields[1], purpose, expiresAt: fields[3] };
}

/**
 * Uses a single-use ticket up (a credential form's): true the first time, false ever after, on
 * every instance. Kept until the ticket would have expired; expired ones are swept here.
 */
export async function useTicketOnce(db: Database, text: string, ticket: Ticket, now: number) {
  await db.delete(usedTickets).where(lt(usedTickets.expiresAt, new Date(now)));
  const [used] = await db
    .insert(usedTickets)
    .values({
      ticketHash: createHash("sha256").update(text).digest("base64url"),
      expiresAt: new Date(ticket.expiresAt),
    })
    .onConflictDoNothing()
    .returning({ ticketHash: usedTickets.ticketHash });
  return used !== undefined;
}

/** Gives a ticket back after what it was used for failed, so the link still works. */
export async function releaseTicket(db: Database, text: string): Promise<void> {
  await db
    .delete(usedTickets)
    .where(eq(usedTickets.ticketHash, createHash("sha256").update(text).digest("base64url")));
}
