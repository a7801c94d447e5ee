import { fileURLToPath } from "node:url";
import { GumstackHost } from "@gumstack/sdk";
import { conformanceServer } from "./index.js";

/** The conformance server as a tool author ships one: the platform runs this file. */
const host = new GumstackHost(
  conformanceServer(),
  fileURLToPath(new URL("../../gumstack.yaml", import.meta.url)),
);
await host.run();
