import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseGatewayReady } from "./gateway/ready.js";
import { checkRoutes, routesTo, type Mode } from "./gateway/routes.js";
import { load } from "./shared/load.js";
const mode = (process.argv[2] ?? "JSON") as Mode;
const tmp = mkdtempSync(join(tmpdir(), "gw-prof-"));
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/gw/prof", "--conditions=gumstack-source", "--import", "tsx", "bench/gateway/platform-server.ts", join(tmp, "data")], { stdio: ["pipe", "pipe", "inherit"] });
const ready = await new Promise<ReturnType<typeof parseGatewayReady>>((resolve) => {
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.startsWith("READY ")) resolve(parseGatewayReady(JSON.parse(line.slice(6))));
  });
});
const routes = routesTo(ready!, mode);
await checkRoutes(routes, mode);
await load(routes.gateway, 3, 10);
console.log(await load(routes.gateway, 10, 10));
const exited = new Promise((r) => child.once("exit", r));
child.stdin!.end();
await exited;
process.exit(0);
