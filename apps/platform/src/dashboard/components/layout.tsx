/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { raw } from "hono/utils/html";
import { assetPath } from "../assets.js";
import type { Me } from "../shapes.js";
import { CsrfField } from "./csrf-field.js";
import { isNotice, notices } from "./notices.js";

type Section = "servers" | "keys" | "connected-apps" | "invites" | "account";

export interface LayoutProps {
  title: string;
  /** Absent on the signed-out pages. */
  me?: Me | undefined;
  /** Which top-level section to mark as current. */
  section?: Section;
  notice?: string | undefined;
  children?: Child;
}

/** The top-level sections; Invitations only for admins, as only they may use its API. */
function MainNav({ me, section }: { me: Me; section: Section | undefined }) {
  const links: Array<{ name: Section; href: string; label: string; shown: boolean }> = [
    { name: "servers", href: "/", label: "Servers", shown: true },
    { name: "keys", href: "/keys", label: "API keys", shown: true },
    { name: "connected-apps", href: "/connected-apps", label: "Connected apps", shown: true },
    { name: "invites", href: "/invites", label: "Invitations", shown: me.user.isAdmin },
    { name: "account", href: "/account", label: "Account", shown: true },
  ];
  return (
    <nav aria-label="Main">
      <ul>
        {links
          .filter((link) => link.shown)
          .map((link) => (
            <li>
              <a href={link.href} aria-current={section === link.name ? "page" : undefined}>
                {link.label}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}

export function Layout({ title, me, section, notice, children }: LayoutProps) {
  return (
    <>
      {/* Audited raw HTML: a doctype is not an element, so JSX cannot write it; fixed text. */}
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width,initial-scale=1" />
          <title>{title} · Gumstack</title>
          <link rel="icon" href={assetPath("favicon.svg")} type="image/svg+xml" />
          <link rel="stylesheet" href={assetPath("dashboard.css")} />
          <script src={assetPath("dashboard.js")} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/">
              Gumstack
            </a>
            {me ? (
              <>
                <MainNav me={me} section={section} />
                <form method="post" action="/sign-out" class="account">
                  <CsrfField token={me.csrfToken} />
                  <span>{me.user.email ?? me.user.name}</span>
                  <button type="submit" class="secondary">
                    Sign out
                  </button>
                </form>
              </>
            ) : null}
          </header>
          <main id="main">
            <h1>{title}</h1>
            {isNotice(notice) ? (
              <p class="notice" role="status">
                {notices[notice]}
              </p>
            ) : null}
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
