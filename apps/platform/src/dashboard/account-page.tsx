/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { type ApiFailure, failureOf } from "./api.js";
import { CsrfField, ErrorBanner, Layout, SecretInput } from "./components/index.js";
import { formOf, type PageContext, sendPage, signedIn } from "./respond.js";
import { retryText } from "./retry-after.js";

/** A refused password change: the API's words, and which field they are about. */
interface PasswordProblem {
  message: string;
  field: "currentPassword" | "newPassword" | null;
  status: 400 | 429;
}

function problemOf(failure: ApiFailure, retryAfter: string | null): PasswordProblem {
  if (failure.status === 429)
    return { message: `Too many attempts: ${retryText(retryAfter)}.`, field: null, status: 429 };
  const field = /^(currentPassword|newPassword):/.exec(failure.message)?.[1];
  return {
    message: failure.message,
    field: field === "currentPassword" || field === "newPassword" ? field : null,
    status: 400,
  };
}

function PasswordForm({ csrf, problem }: { csrf: string; problem: PasswordProblem | undefined }) {
  const about = (field: PasswordProblem["field"]) =>
    problem !== undefined && problem.field === field;
  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Change your password</h2>
      <p>Your other sessions are signed out when it changes; this one stays signed in.</p>
      <ErrorBanner id="password-problem" message={problem?.message} />
      <form method="post" action="/account/password" class="stack">
        <CsrfField token={csrf} />
        <label for="current-password">Current password</label>
        <SecretInput
          id="current-password"
          name="currentPassword"
          autocomplete="current-password"
          required
          describedBy={about("currentPassword") ? ["password-problem"] : []}
          invalid={about("currentPassword")}
        />
        <label for="new-password">New password</label>
        <p class="hint" id="new-password-hint">
          At least 12 characters.
        </p>
        <SecretInput
          id="new-password"
          name="newPassword"
          autocomplete="new-password"
          required
          minlength={12}
          describedBy={["new-password-hint", about("newPassword") ? "password-problem" : ""]}
          invalid={about("newPassword")}
        />
        <button type="submit">Change password</button>
      </form>
    </section>
  );
}

function SignOutEverywhere({ csrf }: { csrf: string }) {
  return (
    <section aria-labelledby="everywhere-heading">
      <h2 id="everywhere-heading">Sign out everywhere</h2>
      <p>
        Ends every session of your account, this one included: use it after losing a device or
        signing in on a shared machine. API keys are not affected; revoke them under{" "}
        <a href="/keys">API keys</a>.
      </p>
      <form method="post" action="/account/sign-out-everywhere" class="inline">
        <CsrfField token={csrf} />
        <button type="submit" class="danger">
          Sign out everywhere
        </button>
      </form>
    </section>
  );
}

function accountPage({ c, me }: PageContext, problem?: PasswordProblem) {
  return sendPage(
    c,
    <Layout title="Account" me={me} section="account" notice={c.req.query("notice")}>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{me.user.name}</dd>
        <dt>Email</dt>
        <dd>{me.user.email ?? "—"}</dd>
        <dt>Role</dt>
        <dd>{me.user.isAdmin ? "Admin" : "Member"}</dd>
      </dl>
      <PasswordForm csrf={me.csrfToken} problem={problem} />
      <SignOutEverywhere csrf={me.csrfToken} />
    </Layout>,
    problem?.status ?? 200,
  );
}

/** GET /account: the signed-in user's password and sessions, through /api/auth/…. */
export function registerAccountPage(app: Hono<AppEnv>) {
  app.get(
    "/account",
    signedIn(app, async (context) => accountPage(context)),
  );

  app.post(
    "/account/password",
    signedIn(app, async (context) => {
      const { c, api } = context;
      const form = await formOf(c);
      const answer = await api.send("POST", "/api/auth/password", {
        body: { currentPassword: form.currentPassword ?? "", newPassword: form.newPassword ?? "" },
        csrf: form.csrf ?? "",
      });
      if (answer.status === 400 || answer.status === 429) {
        const failure = await failureOf(answer);
        return accountPage(context, problemOf(failure, answer.headers.get("retry-after")));
      }
      // Anything else that is not a success (401: the session ended meanwhile; 403: a forged
      // form) is signedIn's to show, as for every other form.
      if (!answer.ok) throw await failureOf(answer);
      return c.redirect("/account?notice=password-changed", 303);
    }),
  );

  app.post(
    "/account/sign-out-everywhere",
    signedIn(app, async ({ c, api }) => {
      const form = await formOf(c);
      const answer = await api.write("POST", "/api/auth/sign-out-everywhere", {
        csrf: form.csrf ?? "",
      });
      for (const cookie of answer.headers.getSetCookie())
        c.header("set-cookie", cookie, { append: true });
      return c.redirect("/sign-in?notice=signed-out-everywhere", 303);
    }),
  );
}
