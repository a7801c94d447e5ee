// A hosted server in plain JavaScript that starts in milliseconds, for the runner's tests about
// processes rather than MCP. It answers /healthz; /whoami with its port (which process answered:
// each has a port of its own, while in a sandbox every pid is 2); /env with its whole
// environment; /read?path=… with what reading that file or folder gave (content or error code);
// /scratch with whether it could write, then read back, a file in its temp and its home folders.
// Flags:
//   FIXTURE_CHATTER=<n>        print n numbered lines on stdout and on stderr at start
//   FIXTURE_CRASH_AFTER_MS=<n> exit 3 n ms after first answering /healthz (a crash, every time)
//   FIXTURE_FAIL_AT_START=1    say why on stderr and exit 1 before listening
//   FIXTURE_NEVER_LISTEN=1     stay alive without listening
//   FIXTURE_IGNORE_SIGTERM=1   only SIGKILL ends it
//   FIXTURE_GRANDCHILD=1       start a `sleep 1000` child, then print "grandchildren started";
//                    =detached  and a second one in a session of its own, out of its group
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

const flags = process.env;
if (flags.FIXTURE_IGNORE_SIGTERM === "1") process.on("SIGTERM", () => undefined);
const chatter = Number(flags.FIXTURE_CHATTER ?? 0);
for (let i = 1; i <= chatter; i++) {
  process.stdout.write(`out ${i}\n`);
  process.stderr.write(`err ${i}\n`);
}
if (flags.FIXTURE_GRANDCHILD !== undefined) {
  spawn("sleep", ["1000"], { stdio: "ignore" });
  if (flags.FIXTURE_GRANDCHILD === "detached") {
    spawn("sleep", ["1000"], { stdio: "ignore", detached: true }).unref();
  }
  process.stdout.write("grandchildren started\n");
}
if (flags.FIXTURE_FAIL_AT_START === "1") {
  console.error("tiny: failing at start on purpose");
  process.exit(1);
}

/** What reading `path` gives: a file's text, a folder's names, or the error's code. */
function attempt(path) {
  try {
    if (statSync(path).isDirectory()) return { entries: readdirSync(path) };
    return { content: readFileSync(path, "utf8") };
  } catch (error) {
    return { error: error.code };
  }
}

/** Writes a file in each of its temp and home folders and reads it back. */
function scratch() {
  return Object.fromEntries(
    [
      ["tmp", tmpdir()],
      ["home", homedir()],
    ].map(([name, folder]) => {
      const file = join(folder, `tiny-${name}`);
      writeFileSync(file, `written in ${name}`);
      return [name, { folder, readBack: readFileSync(file, "utf8") }];
    }),
  );
}

if (flags.FIXTURE_NEVER_LISTEN === "1") {
  process.stdout.write(`tiny: ${process.pid} never listens\n`);
  setInterval(() => undefined, 60_000);
} else {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://tiny");
    const json = (value) => response.writeHead(200).end(JSON.stringify(value));
    if (url.pathname === "/healthz") {
      response.writeHead(200).end("ok");
      if (flags.FIXTURE_CRASH_AFTER_MS !== undefined) {
        setTimeout(() => process.exit(3), Number(flags.FIXTURE_CRASH_AFTER_MS));
      }
    } else if (url.pathname === "/whoami") response.writeHead(200).end(flags.GUMSTACK_PORT);
    else if (url.pathname === "/env") json(process.env);
    else if (url.pathname === "/read") json(attempt(url.searchParams.get("path") ?? ""));
    else if (url.pathname === "/scratch") {
      try {
        json(scratch());
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    } else response.writeHead(404).end();
  });
  server.listen(Number(flags.GUMSTACK_PORT), flags.GUMSTACK_HOST);
  if (flags.FIXTURE_IGNORE_SIGTERM !== "1") {
    process.once("SIGTERM", () => server.close(() => process.exit(0)));
  }
}
