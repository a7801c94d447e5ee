import type { Id } from "@gumstack/db";
import { CredentialsUnavailableError, DeadlineExceededError } from "@gumstack/runtime";
import type { Services } from "../env.js";
import { ApiError } from "../errors.js";
import { credentialServerOf } from "../servers/credential-server.js";
import type { ServerRow } from "../servers/owned-server.js";

/** Whether the user's first tool call on a server would find what it needs, and if not, where to get it. */
export type ServerSetup =
  | { kind: "ready" }
  /** An oauth server with no usable connection: connect at `provider` first. */
  | { kind: "connect"; provider: string; href: string }
  /** A cred server missing a required value: its form. */
  | { kind: "form"; href: string }
  /** Not knowable now (never deployed): its tools will ask when called. */
  | { kind: "unknown"; message: string };

/** How long the consent page waits on a refresh the resolver attempts (an expired token). */
const SETUP_DEADLINE_MS = 5_000;

/**
 * Asks the credential resolver, the one answer to "what does this user get here", so the
 * consent page offers exactly the link a tool call would have answered with; each link comes
 * back to `returnTo` (the consent page). A token that cannot be refreshed right now still is a
 * connection: the page does not ask to connect again.
 */
export async function setupOf(
  services: Pick<Services, "deployed" | "resolver" | "now">,
  userId: Id<"user">,
  server: ServerRow,
  returnTo: string,
): Promise<ServerSetup> {
  if (server.authType === "none") return { kind: "ready" };
  let target: Awaited<ReturnType<typeof credentialServerOf>>;
  try {
    target = await credentialServerOf(services, server);
  } catch (error) {
    if (error instanceof ApiError && error.code === "unavailable")
      return { kind: "unknown", message: error.message };
    throw error;
  }
  const kind = server.authType;
  let answer: Awaited<ReturnType<typeof services.resolver.resolve<typeof kind>>>;
  try {
    answer = await services.resolver.resolve({
      userId,
      server: target,
      kind,
      deadline: services.now() + SETUP_DEADLINE_MS,
    });
  } catch (error) {
    if (error instanceof CredentialsUnavailableError || error instanceof DeadlineExceededError)
      return { kind: "ready" };
    throw error;
  }
  if (answer.status === "ok") return { kind: "ready" };
  const link = new URL(answer.url);
  link.searchParams.set("return_to", returnTo);
  const href = link.pathname + link.search;
  return kind === "oauth"
    ? { kind: "connect", provider: answer.what, href }
    : { kind: "form", href };
}
