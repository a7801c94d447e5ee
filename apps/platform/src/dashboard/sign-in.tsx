/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { type ApiFailure, apiFor, failureOf } from "./api.js";
import { ErrorBanner, Layout } from "./components/index.js";
import { inviteCodeOf } from "./invite-code.js";
import { currentUser, formOf, localPath, sendPage, signedIn } from "./respond.js";
import { retryText } from "./retry-after.js";

interface AuthFormState {
  next: string;
  invite?: string;
  email?: string;
  name?: string;
  problem?: string;
}

function SignInForm({ state, notice }: { state: AuthFormState; notice?: string | undefined }) {
  const described = state.problem ? "form-problem" : undefined;
  return (
    <Layout title="Sign in" notice={notice}>
      <ErrorBanner id="form-problem" message={state.problem} />
      <form method="post" action="/sign-in" class="stack">
        <input type="hidden" name="next" value={state.next} />
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={state.email ?? ""}
          aria-describedby={described}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Sign in</button>
      </form>
      <p>
        No account yet? <a href="/sign-up">Create one</a>.
      </p>
    </Layout>
  );
}

/**
 * The invitation's code rides in the link an admin sent (`/sign-up?invite=…`); without one, or
 * when the API refused it, the person can type or paste one.
 */
function InviteField({ invite, problem }: { invite: string; problem: string | undefined }) {
  const refused = problem?.startsWith("invite:") ?? false;
  if (invite !== "" && !refused) return <input type="hidden" name="invite" value={invite} />;
  return (
    <>
      <label for="invite">Invitation code</label>
      <p class="hint" id="invite-hint">
        The code at the end of the sign-up link an admin sent you (after <code>invite=</code>).
      </p>
      <input
        id="invite"
        name="invite"
        type="text"
        required
        autocomplete="off"
        spellcheck={false}
        value={invite}
        aria-describedby={refused ? "invite-hint form-problem" : "invite-hint"}
        aria-invalid={refused ? "true" : undefined}
      />
    </>
  );
}

function SignUpForm({ state }: { state: AuthFormState }) {
  const invite = state.invite ?? "";
  const described =
    state.problem && !state.problem.startsWith("invite:") ? "form-problem" : undefined;
  return (
    <Layout title="Create an account">
      <ErrorBanner id="form-problem" message={state.problem} />
      {invite ? null : (
        <p>Accounts are by invitation: ask an admin of this platform for a sign-up link.</p>
      )}
      <form method="post" action="/sign-up" class="stack">
        <InviteField invite={invite} problem={state.problem} />
        <label for="name">Name</label>
        <input
          id="name"
          name="name"
          type="text"
          autocomplete="name"
          required
          value={state.name ?? ""}
          aria-describedby={described}
        />
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={state.email ?? ""}
        />
        <label for="password">Password</label>
        <p class="hint" id="password-hint">
          At least 12 characters.
        </p>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength={12}
          aria-describedby="password-hint"
        />
        <button type="submit">Create account</button>
      </form>
      <p>
        Have an account? <a href="/sign-in">Sign in</a>.
      </p>
    </Layout>
  );
}

/** What a refused sign-in says: a throttled one says when to come back, from `Retry-After`. */
function signInProblem(answer: Response, failure: ApiFailure): string {
  if (answer.status !== 429) return failure.message;
  return `Too many attempts: ${retryText(answer.headers.get("retry-after"))}.`;
}

/** Passes the API's session cookie on to the browser, then sends it where it was going. */
function signedInRedirect(c: Context<AppEnv>, answer: Response, to: string) {
  for (const cookie of answer.headers.getSetCookie())
    c.header("set-cookie", cookie, { append: true });
  return c.redirect(to, 303);
}

/** GET/POST /sign-in, /sign-up and POST /sign-out, through the JSON API's auth routes. */
export function registerSignIn(app: Hono<AppEnv>) {
  app.get("/sign-in", async (c) => {
    if (await currentUser(apiFor(app, c))) return c.redirect("/", 303);
    return sendPage(
      c,
      <SignInForm
        state={{ next: localPath(c.req.query("next")) }}
        notice={c.req.query("notice")}
      />,
    );
  });

  app.post("/sign-in", async (c) => {
    const form = await formOf(c);
    const state = { next: localPath(form.next), email: form.email ?? "" };
    const answer = await apiFor(app, c).send("POST", "/api/auth/sign-in", {
      body: { email: form.email ?? "", password: form.password ?? "" },
    });
    if (!answer.ok) {
      const failure = await failureOf(answer);
      return sendPage(
        c,
        <SignInForm state={{ ...state, problem: signInProblem(answer, failure) }} />,
        answer.status === 401 || answer.status === 429 ? answer.status : 400,
      );
    }
    return signedInRedirect(c, answer, state.next);
  });

  app.get("/sign-up", async (c) => {
    if (await currentUser(apiFor(app, c))) return c.redirect("/", 303);
    return sendPage(c, <SignUpForm state={{ next: "/", invite: c.req.query("invite") ?? "" }} />);
  });

  app.post("/sign-up", async (c) => {
    const form = await formOf(c);
    const state = {
      next: "/",
      email: form.email ?? "",
      name: form.name ?? "",
      invite: inviteCodeOf(form.invite ?? ""),
    };
    const answer = await apiFor(app, c).send("POST", "/api/auth/sign-up", {
      body: {
        invite: state.invite,
        email: state.email,
        name: state.name,
        password: form.password ?? "",
      },
    });
    if (!answer.ok) {
      const failure = await failureOf(answer);
      return sendPage(
        c,
        <SignUpForm state={{ ...state, problem: failure.message }} />,
        answer.status === 409 || answer.status === 429 ? answer.status : 400,
      );
    }
    return signedInRedirect(c, answer, "/");
  });

  app.post(
    "/sign-out",
    signedIn(app, async ({ c, api }) => {
      const form = await formOf(c);
      const answer = await api.write("POST", "/api/auth/sign-out", { csrf: form.csrf ?? "" });
      for (const cookie of answer.headers.getSetCookie())
        c.header("set-cookie", cookie, { append: true });
      return c.redirect("/sign-in?notice=signed-out", 303);
    }),
  );
}
