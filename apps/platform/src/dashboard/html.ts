import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** What a page fragment renders to: hono/html escapes every interpolated value. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A moment from the API (ISO text or epoch milliseconds) as a `<time>`, in UTC to the minute. */
export function moment(value: string | number | null | undefined): Html | string {
  if (value === null || value === undefined) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace("T", " ")} UTC</time>`;
}

const statusLabels: Record<string, string> = {
  running: "Running",
  starting: "Starting",
  crashed: "Crashed",
  failed: "Failed",
  stopping: "Stopping",
  stopped: "Stopped",
  not_deployed: "Not deployed",
  active: "Active",
  needs_reauth: "Needs reconnecting",
  revoked: "Revoked",
  redeploy_pending: "Redeploy pending",
  gone: "Ended",
};

const goodStatuses = new Set(["running", "active"]);
const badStatuses = new Set(["crashed", "failed", "needs_reauth", "revoked"]);
const warnStatuses = new Set(["redeploy_pending", "starting", "stopping"]);

/** A status word with its colour; the word itself carries the meaning, not the colour. */
export function badge(status: string): Html {
  const tone = goodStatuses.has(status)
    ? "good"
    : badStatuses.has(status)
      ? "bad"
      : warnStatuses.has(status)
        ? "warn"
        : "neutral";
  return html`<span class="badge ${tone}">${statusLabels[status] ?? status}</span>`;
}

export const authLabels = {
  oauth: "OAuth (each user connects an account)",
  cred: "Credentials form (each user enters their own)",
  none: "Environment variables (set by the operator)",
} as const;

/** A hidden CSRF field: the form handler sends it to the API as `x-csrf-token`. */
export const csrfField = (token: string) =>
  html`<input type="hidden" name="csrf" value="${token}">`;

/** A one-button form that posts to a dashboard handler (which makes the API call). */
export function actionButton(
  action: string,
  label: string,
  csrf: string,
  options: { tone?: "danger" | "secondary"; accessibleLabel?: string } = {},
): Html {
  return html`<form method="post" action="${action}" class="inline">${csrfField(csrf)}<button type="submit"${options.tone ? html` class="${options.tone}"` : ""}${options.accessibleLabel ? html` aria-label="${options.accessibleLabel}"` : ""}>${label}</button></form>`;
}
