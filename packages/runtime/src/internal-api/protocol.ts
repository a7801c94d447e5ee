/**
 * The calls between the platform and the hosted servers' processes, both ways, in one place:
 * where they go, what they send in headers, and how big a body may be. Hosted processes call
 * /internal/credentials and /internal/activity on the platform; the platform calls
 * /internal/auth on an oauth server's process, where its AuthProvider runs, and
 * /internal/completed on any server's process once a user finished a connect or form link.
 */
export const INTERNAL_PATHS = {
  credentials: "/internal/credentials",
  activity: "/internal/activity",
  auth: "/internal/auth",
  completed: "/internal/completed",
} as const;

/** The calling server's id, next to its runtime secret in `Authorization: Bearer`. */
export const SERVER_HEADER = "x-gumstack-server";

/**
 * When the caller stops waiting, in milliseconds since the epoch: the hop that receives it
 * gives up before then (HOP_MARGIN_MS earlier), so that its answer arrives in time.
 */
export const DEADLINE_HEADER = "x-gumstack-deadline";

/** The largest body each call takes, in bytes; a larger one is refused with 413. */
export const BODY_LIMITS = {
  // A kind and a context: a few hundred bytes.
  credentials: 16 * 1024,
  // MAX_ACTIVITY_ENTRIES entries of at most ~400 bytes each.
  activity: 1024 * 1024,
  // An authorization code, a token or a URL's parts.
  auth: 64 * 1024,
  // A user id.
  completed: 1024,
} as const;

/** How a hosted server proves who it is when it calls the platform. */
export function runtimeHeaders(serverId: string, runtimeSecret: string): Record<string, string> {
  return { authorization: `Bearer ${runtimeSecret}`, [SERVER_HEADER]: serverId };
}

/** The deadline header's value, or undefined when it is absent; null when it is malformed. */
export function readDeadline(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  return /^\d{1,16}$/.test(value) ? Number(value) : null;
}
