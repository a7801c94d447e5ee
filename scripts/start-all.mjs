// `npm start`: the platform and the three example servers, side by side on their own ports, each
// on its own embedded database under .gumstack/. Until the platform hosts servers itself, each
// example is a standalone GumstackHost. Ctrl-C stops them all.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const node = [process.execPath, "--conditions=gumstack-source", "--import", "tsx"];
const children = [];

function start(name, script, env, onLine = () => {}) {
  const child = spawn(node[0], [...node.slice(1), script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      // A line the caller consumes (the demo provider's client secret) is not echoed.
      if (onLine(line) === true) return;
      process.stdout.write(`${name.padEnd(14)} | ${line}\n`);
    });
  }
  child.once("exit", (code, signal) => {
    process.stdout.write(`${name.padEnd(14)} | exited (${signal ?? code})\n`);
    if (!stopping) stop(1);
  });
  return child;
}

let stopping = false;
function stop(code) {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 2_000).unref();
  Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode === null ? c.once("exit", r) : r()))),
  ).then(() => process.exit(code));
}
process.once("SIGINT", () => stop(0));
process.once("SIGTERM", () => stop(0));

const examples = [
  { name: "example-oauth", port: 8081 },
  { name: "example-cred", port: 8082 },
  {
    name: "example-none",
    port: 8083,
    env: { WEATHER_API_KEY: "demo-weather-key-0001", WEATHER_UNITS: "metric" },
  },
];
const dataDir = (name) => join(root, ".gumstack", "examples", name, "data");

/** Starts an example; on its first start, makes a user first and shows their API key, once. */
function startExample({ name, port, env = {} }) {
  const full = { GUMSTACK_DATA_DIR: dataDir(name), GUMSTACK_PORT: String(port), ...env };
  const script = `apps/${name}/src/server.ts`;
  if (!existsSync(full.GUMSTACK_DATA_DIR)) {
    const made = spawnSync(node[0], [...node.slice(1), script, "users", "add", "demo"], {
      cwd: root,
      env: { ...process.env, ...full, GUMSTACK_LOG_LEVEL: "warn" },
      encoding: "utf8",
    });
    for (const line of `${made.stdout}${made.stderr}`.trim().split("\n")) {
      process.stdout.write(`${name.padEnd(14)} | first start: ${line}\n`);
    }
  }
  start(name, script, full);
}

start("platform", "apps/platform/src/main.ts", {});
start("demo-idp", "apps/example-oauth/src/demo-idp.ts", {}, (line) => {
  if (!line.startsWith("{")) return false;
  const idp = JSON.parse(line);
  const oauth = examples[0];
  startExample({
    ...oauth,
    env: {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
    },
  });
  return true;
});
for (const example of examples.slice(1)) startExample(example);
