// The bridge process's entry (BRIDGE_ENTRY): the platform's runner starts it as it starts a
// hosted server, with GUMSTACK_PROXY saying which stdio command to run and serve.
import { ConfigError } from "@gumstack/runtime/core";
import { ServerConfigError } from "../errors.js";
import { runBridge } from "./run.js";
import { type BridgeSettings, loadBridgeSettings } from "./settings.js";

let settings: BridgeSettings;
try {
  settings = loadBridgeSettings(process.env);
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof ServerConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
await runBridge(settings);
