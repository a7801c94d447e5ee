// A hosted server in plain JavaScript that starts in milliseconds, for the runner's tests about
// processes rather than MCP. It answers /healthz, /whoami with its pid, /env with its whole
// environment. Flags:
//   FIXTURE_CHATTER=<n>        print n numbered lines on stdout and on stderr at start
//   FIXTURE_CRASH_AFTER_MS=<n> exit 3 n ms after first answering /healthz (a crash, every time)
//   FIXTURE_FAIL_AT_START=1    say why on stderr and exit 1 before listening
//   FIXTURE_NEVER_LISTEN=1     stay alive without listening
//   FIXTURE_IGNORE_SIGTERM=1   only SIGKILL ends it
//   FIXTURE_GRANDCHILD=1       start a long-lived child process and print its pid
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const flags = process.env;
if (flags.FIXTURE_IGNORE_SIGTERM === "1") process.on("SIGTERM", () => undefined);
const chatter = Number(flags.FIXTURE_CHATTER ?? 0);
for (let i = 1; i <= chatter; i++) {
  process.stdout.write(`out ${i}\n`);
  process.stderr.write(`err ${i}\n`);
}
if (flags.FIXTURE_GRANDCHILD === "1") {
  const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)"], {
    stdio: "ignore",
  });
  process.stdout.write(`grandchild ${grandchild.pid}\n`);
}
if (flags.FIXTURE_FAIL_AT_START === "1") {
  console.error("tiny: failing at start on purpose");
  process.exit(1);
}
if (flags.FIXTURE_NEVER_LISTEN === "1") {
  process.stdout.write(`tiny: ${process.pid} never listens\n`);
  setInterval(() => undefined, 60_000);
} else {
  const server = createServer((request, response) => {
    if (request.url === "/healthz") {
      response.writeHead(200).end("ok");
      if (flags.FIXTURE_CRASH_AFTER_MS !== undefined) {
        setTimeout(() => process.exit(3), Number(flags.FIXTURE_CRASH_AFTER_MS));
      }
    } else if (request.url === "/whoami") response.writeHead(200).end(String(process.pid));
    else if (request.url === "/env") response.writeHead(200).end(JSON.stringify(process.env));
    else response.writeHead(404).end();
  });
  server.listen(Number(flags.GUMSTACK_PORT), flags.GUMSTACK_HOST);
  if (flags.FIXTURE_IGNORE_SIGTERM !== "1") {
    process.once("SIGTERM", () => server.close(() => process.exit(0)));
  }
}
