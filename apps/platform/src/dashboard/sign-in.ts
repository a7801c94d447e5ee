import type { Context, Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../env.js";
import { apiFor, failureOf } from "./api.js";
import type { Html } from "./html.js";
import { layout } from "./layout.js";
import { currentUser, formOf, localPath, sendPage, signedIn } from "./respond.js";

interface AuthFormState {
  next: string;
  invite?: string;
  email?: string;
  name?: string;
  problem?: string;
}

function problemText(problem: string | undefined): Html | string {
  return problem ? html`<p class="error" role="alert" id="form-problem">${problem}</p>` : "";
}

function signInForm(state: AuthFormState, notice?: string): Html {
  const described = state.problem ? html` aria-describedby="form-problem"` : "";
  return layout(
    { title: "Sign in", notice },
    html`${problemText(state.problem)}
<form method="post" action="/sign-in" class="stack">
<input type="hidden" name="next" value="${state.next}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${state.email ?? ""}"${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p>No account yet? <a href="/sign-up">Create one</a>.</p>`,
  );
}

function signUpForm(state: AuthFormState): Html {
  const described = state.problem ? html` aria-describedby="form-problem"` : "";
  return layout(
    { title: "Create an account" },
    html`${problemText(state.problem)}
${
  state.invite
    ? ""
    : html`<p>Accounts are by invitation: ask an admin of this platform for a sign-up link.</p>`
}
<form method="post" action="/sign-up" class="stack">
<input type="hidden" name="invite" value="${state.invite ?? ""}">
<label for="name">Name</label>
<input id="name" name="name" type="text" autocomplete="name" required value="${state.name ?? ""}"${described}>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${state.email ?? ""}">
<label for="password">Password</label>
<p class="hint" id="password-hint">At least 12 characters.</p>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" aria-describedby="password-hint">
<button type="submit">Create account</button>
</form>
<p>Have an account? <a href="/sign-in">Sign in</a>.</p>`,
  );
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
    return sendPage(c, signInForm({ next: localPath(c.req.query("next")) }, c.req.query("notice")));
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
        signInForm({ ...state, problem: failure.message }),
        answer.status === 401 || answer.status === 429 ? answer.status : 400,
      );
    }
    return signedInRedirect(c, answer, state.next);
  });

  app.get("/sign-up", async (c) => {
    if (await currentUser(apiFor(app, c))) return c.redirect("/", 303);
    return sendPage(c, signUpForm({ next: "/", invite: c.req.query("invite") ?? "" }));
  });

  app.post("/sign-up", async (c) => {
    const form = await formOf(c);
    const state = {
      next: "/",
      email: form.email ?? "",
      name: form.name ?? "",
      invite: form.invite ?? "",
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
        signUpForm({ ...state, problem: failure.message }),
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
