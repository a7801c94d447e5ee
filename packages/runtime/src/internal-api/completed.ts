// The ids module alone: the package's main entry loads the database drivers.
import { type Id, isId } from "@gumstack/db/ids";
import { z } from "zod";
import { INTERNAL_PATHS } from "./protocol.js";

/**
 * POST /internal/completed, platform to a server's process: the user finished a link that
 * process handed out (connected the account, saved the form), so the URL elicitations it sent
 * that user can be marked complete.
 */
export const completedRequestSchema = z.object({
  userId: z.custom<Id<"user">>(
    (v) => typeof v === "string" && isId("user", v),
    "must be a user id",
  ),
});

/** Tells a server's process (at `baseUrl`) that `userId` finished; throws when it refuses. */
export async function tellCompleted(
  baseUrl: string,
  runtimeSecret: string,
  userId: string,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(`${baseUrl}${INTERNAL_PATHS.completed}`, {
    method: "POST",
    headers: { authorization: `Bearer ${runtimeSecret}`, "content-type": "application/json" },
    body: JSON.stringify({ userId }),
    signal,
  });
  await response.body?.cancel();
  if (response.status !== 204) throw new Error(`the server answered ${response.status}`);
}
