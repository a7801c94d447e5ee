import { html } from "hono/html";
import { assetPath } from "./assets.js";
import type { Html } from "./html.js";
import type { Me } from "./shapes.js";

// Fixed messages a redirect may name with `?notice=`: nothing a URL carries is shown as such.
const notices = {
  "env-saved": "Variable saved. Redeploy to hand it to the server.",
  "env-deleted": "Variable deleted. Redeploy to take it away from the server.",
  redeployed: "Redeployed: the server runs with the current variables.",
  "credentials-saved": "Your credentials are saved.",
  "credentials-deleted": "Your credentials are deleted.",
  connected: "Account connected.",
  disconnected: "Account disconnected.",
  "key-revoked": "API key revoked.",
  "signed-out": "You are signed out.",
} as const;
export type Notice = keyof typeof notices;

export const isNotice = (value: string | undefined): value is Notice =>
  value !== undefined && Object.hasOwn(notices, value);

export interface PageOptions {
  title: string;
  /** Absent on the signed-out pages. */
  me?: Me;
  /** Which top-level section to mark as current. */
  section?: "servers" | "keys";
  notice?: string | undefined;
}

export function layout(options: PageOptions, body: Html): Html {
  const { title, me, section, notice } = options;
  const current = (name: PageOptions["section"]) =>
    section === name ? html` aria-current="page"` : "";
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Gumstack</title>
<link rel="icon" href="${assetPath("favicon.svg")}" type="image/svg+xml">
<link rel="stylesheet" href="${assetPath("dashboard.css")}">
<script src="${assetPath("dashboard.js")}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/">Gumstack</a>
${
  me
    ? html`<nav aria-label="Main"><ul>
<li><a href="/"${current("servers")}>Servers</a></li>
<li><a href="/keys"${current("keys")}>API keys</a></li>
</ul></nav>
<form method="post" action="/sign-out" class="account">
<input type="hidden" name="csrf" value="${me.csrfToken}">
<span>${me.user.email ?? me.user.name}</span>
<button type="submit" class="secondary">Sign out</button>
</form>`
    : ""
}
</header>
<main id="main">
<h1>${title}</h1>
${isNotice(notice) ? html`<p class="notice" role="status">${notices[notice]}</p>` : ""}
${body}
</main>
</body>
</html>`;
}
