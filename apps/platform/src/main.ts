import { createLogger } from "@gumstack/log";
import { loadConfig } from "@gumstack/runtime";
import { startPlatform } from "./boot.js";

/** `npm start`: the platform on the embedded database unless DATABASE_URL says otherwise. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const platform = await startPlatform(config, log);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await platform.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  // Start-up errors are written for the operator: the message names what to fix.
  console.error(`gumstack could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
