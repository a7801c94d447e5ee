// A platform that deploys one server and then dies by SIGKILL, never stopping it: what the
// parent watch is for. Prints "server <pid>" before it dies.
import { createLogger } from "@gumstack/log";
import { createLocalRunner } from "../local-runner.js";
import { tinySpec } from "./helpers.js";

const runner = createLocalRunner({ log: createLogger({ level: "error", format: "json" }) });
const info = await runner.deploy(tinySpec({ serverId: "srv_orphan", deploymentId: "dep_orphan" }));
process.stdout.write(`server ${info.pid}\n`);
process.kill(process.pid, "SIGKILL");
