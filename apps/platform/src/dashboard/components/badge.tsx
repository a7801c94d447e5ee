/** @jsxRuntime automatic @jsxImportSource hono/jsx */
const labels: Record<string, string> = {
  running: "Running",
  starting: "Starting",
  crashed: "Crashed",
  failed: "Failed",
  stopping: "Stopping",
  stopped: "Stopped",
  not_deployed: "Not deployed",
  per_user: "One process per user",
  active: "Active",
  needs_reauth: "Needs reconnecting",
  revoked: "Revoked",
  redeploy_pending: "Redeploy pending",
  gone: "Ended",
  pending: "Unused",
  used: "Used",
  expired: "Expired",
};

const good = new Set(["running", "per_user", "active", "used"]);
const bad = new Set(["crashed", "failed", "needs_reauth", "revoked", "expired"]);
const warn = new Set(["redeploy_pending", "starting", "stopping", "pending"]);

const toneOf = (status: string) =>
  good.has(status) ? "good" : bad.has(status) ? "bad" : warn.has(status) ? "warn" : "neutral";

/** A status word with its colour; the word itself carries the meaning, not the colour. */
export function Badge({ status }: { status: string }) {
  return <span class={`badge ${toneOf(status)}`}>{labels[status] ?? status}</span>;
}
