// `npm start`: the platform on its embedded database, hosting the example servers, and a
// local demo OpenID provider for example-oauth. The platform registers the examples at start
// (passed on its standard input) and runs each as its own process. Ctrl-C stops all.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const node = [process.execPath, "--conditions=gumstack-source", "--import", "tsx"];
const port = process.env.GUMSTACK_PORT ?? "8080";
const publicUrl = process.env.GUMSTACK_PUBLIC_URL ?? `http://127.0.0.1:${port}`;
const children = [];

function start(name, script, args, env, onLine = () => {}, input = undefined) {
  const child = spawn(node[0], [...node.slice(1), script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (input !== undefined) child.stdin.end(input);
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      // A line the caller consumes (the demo provider's client secret) is not echoed.
      if (onLine(line) === true) return;
      process.stdout.write(`${name.padEnd(9)} | ${line}\n`);
    });
  }
  child.once("exit", (code, signal) => {
    process.stdout.write(`${name.padEnd(9)} | exited (${signal ?? code})\n`);
    if (!stopping) stop(1);
  });
  return child;
}

let stopping = false;
function stop(code) {
  // Once: Ctrl-C reaches this process from the terminal and again from scripts/run.mjs.
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 15_000).unref();
  Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode === null ? c.once("exit", r) : r()))),
  ).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

/**
 * The examples, with the variables an operator would set in the dashboard. Handed to the
 * platform on its standard input (`--seed -`), so the demo provider's client secret is never
 * written to disk in clear; the platform stores it encrypted, as any variable.
 */
function seedsOf(idp) {
  return JSON.stringify([
    {
      path: join(root, "apps", "example-oauth"),
      // The demo provider makes a new client secret each run.
      envAlways: {
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLIENT_SECRET: idp.clientSecret,
      },
    },
    { path: join(root, "apps", "example-cred") },
    {
      path: join(root, "apps", "example-none"),
      env: { WEATHER_API_KEY: "demo-weather-key-0001", WEATHER_UNITS: "metric" },
    },
    // A proxied stdio server from the registry: one process per user, started on first call.
    { path: join(root, "apps", "example-proxied") },
  ]);
}

/**
 * The platform is not on a terminal (its output comes through here), so it writes the first
 * admin's password to a file only this user can read and logs where. On a terminal, show it.
 */
function showFirstAdmin(line) {
  const file = /its password is in (\S+), readable only/.exec(line)?.[1];
  if (!file || !process.stdout.isTTY || !existsSync(file)) return;
  const text = readFileSync(file, "utf8");
  process.stdout.write(
    `\n${text.replace(/^/gm, "  ")}  (from ${file}: delete it once you have changed the password)\n\n`,
  );
}

// Earlier versions wrote the examples' variables here in clear; nothing reads it any more.
rmSync(join(root, ".gumstack", "examples.json"), { force: true });

start(
  "demo-idp",
  "apps/example-oauth/src/demo-idp.ts",
  [],
  { DEMO_REDIRECT_URI: `${publicUrl}/auth/callback` },
  (line) => {
    if (!line.startsWith("{")) return false;
    start(
      "platform",
      "apps/platform/src/main.ts",
      ["--seed", "-"],
      {},
      (platformLine) => {
        showFirstAdmin(platformLine);
        return false;
      },
      seedsOf(JSON.parse(line)),
    );
    return true;
  },
);
