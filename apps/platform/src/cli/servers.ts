import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "@gumstack/runtime";
import { firstAdminFile } from "../accounts/first-admin-notice.js";

/*
 * `gumstack servers …`: the running platform's API, as an admin. The CLI signs in like the
 * dashboard does (a session and its CSRF token), with GUMSTACK_ADMIN_EMAIL and
 * GUMSTACK_ADMIN_PASSWORD, or else the first admin's file that a first start wrote. The
 * platform is at GUMSTACK_URL, or else where this configuration serves it.
 */

export const serversUsage = `  servers add <file|folder>    register (or update) and deploy the server a gumstack.yaml
                               or proxied-server file describes (kind: stdio)
  servers list                 the servers, their kind, auth type and status
  servers remove <name>        stop a server and remove it with everything stored for it
  servers tools <name>         connect to it and list the tools it serves (for tools.allow)`;

interface Session {
  url: string;
  cookie: string;
  csrfToken: string;
}

export class CliError extends Error {
  override readonly name = "CliError";
}

type Print = (line: string) => void;

export async function serversCommand(
  args: string[],
  config: Config,
  env: NodeJS.ProcessEnv,
  print: Print,
): Promise<number> {
  const [command, argument] = args;
  const needs = (what: string) => {
    if (!argument) throw new CliError(`servers ${command} needs ${what}\n${serversUsage}`);
    return argument;
  };
  switch (command) {
    case "add": {
      const path = resolve(needs("a file or folder"));
      const session = await signIn(config, env);
      const server = (await call(session, "POST", "/api/servers", { path })) as Summary & {
        problem: string | null;
      };
      print(
        `${server.name}: registered (${server.kind}, auth ${server.authType}) at ${server.mcpUrl}`,
      );
      if (server.problem) {
        print(`it did not start: ${server.problem}`);
        return 2;
      }
      print(`status: ${server.status}`);
      return 0;
    }
    case "list": {
      const session = await signIn(config, env);
      const { servers } = (await call(session, "GET", "/api/servers")) as { servers: Summary[] };
      for (const s of servers) {
        const processes = s.processes === null ? "" : ` (${s.processes} running)`;
        print(`${s.name}\t${s.kind}\t${s.authType}\t${s.status}${processes}\t${s.mcpUrl}`);
      }
      if (servers.length === 0) print("no servers registered");
      return 0;
    }
    case "remove": {
      const name = needs("a server name");
      const session = await signIn(config, env);
      await call(session, "DELETE", `/api/servers/${encodeURIComponent(name)}`);
      print(`${name}: removed`);
      return 0;
    }
    case "tools": {
      const name = needs("a server name");
      const session = await signIn(config, env);
      const { tools } = (await call(
        session,
        "GET",
        `/api/servers/${encodeURIComponent(name)}/tools`,
      )) as { tools: Array<{ name: string; description: string | null }> };
      for (const tool of tools) print(`${tool.name}\t${firstLine(tool.description)}`);
      return 0;
    }
    default:
      throw new CliError(`unknown command: servers ${command ?? ""}\n${serversUsage}`);
  }
}

interface Summary {
  name: string;
  kind: string;
  authType: string;
  status: string;
  processes: number | null;
  mcpUrl: string;
}

const firstLine = (text: string | null) => (text ?? "").split("\n")[0]?.slice(0, 120) ?? "";

function platformUrl(config: Config, env: NodeJS.ProcessEnv): string {
  const given = env.GUMSTACK_URL ?? config.publicUrl;
  if (given) return given.replace(/\/+$/, "");
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

/** The admin's email and password: the environment's, else the first start's file. */
function adminOf(config: Config, env: NodeJS.ProcessEnv): { email: string; password: string } {
  const { GUMSTACK_ADMIN_EMAIL: email, GUMSTACK_ADMIN_PASSWORD: password } = env;
  if (email && password) return { email, password };
  const file = firstAdminFile(config.dataDir);
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    const found = {
      email: /^email: (.+)$/m.exec(text)?.[1]?.trim(),
      password: /^password: (.+)$/m.exec(text)?.[1]?.trim(),
    };
    if (found.email && found.password) return { email: found.email, password: found.password };
  }
  throw new CliError(
    `set GUMSTACK_ADMIN_EMAIL and GUMSTACK_ADMIN_PASSWORD (an admin's), or run where ${file} is`,
  );
}

async function signIn(config: Config, env: NodeJS.ProcessEnv): Promise<Session> {
  const url = platformUrl(config, env);
  const response = await request(`${url}/api/auth/sign-in`, {
    method: "POST",
    // No Origin: a program, not a browser page (see sameOriginWrites).
    headers: { "content-type": "application/json" },
    body: JSON.stringify(adminOf(config, env)),
  });
  const answer = await answerOf(response, "sign-in");
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { csrfToken } = answer as { csrfToken: string };
  return { url, cookie, csrfToken };
}

async function call(session: Session, method: string, path: string, body?: unknown) {
  const response = await request(`${session.url}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      "x-csrf-token": session.csrfToken,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answerOf(response, `${method} ${path}`);
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    // Deploying a proxied server may install its packages first: a few minutes at most.
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10 * 60_000) });
  } catch (error) {
    throw new CliError(`cannot reach the platform at ${new URL(url).origin} (is it running?)`, {
      cause: error,
    });
  }
}

async function answerOf(response: Response, what: string): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new CliError(`${what}: the platform answered ${response.status} with no JSON`);
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? text;
    throw new CliError(`${what}: ${message} (${response.status})`);
  }
  return body;
}
