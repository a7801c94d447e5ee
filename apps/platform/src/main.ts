import { createLogger } from "@gumstack/log";
import { loadConfig } from "@gumstack/runtime";
import { startPlatform } from "./boot.js";
import { readSeedFile } from "./servers/startup.js";

/**
 * `npm start`: the platform on the embedded database unless DATABASE_URL says otherwise.
 * `--seed <file.json>` registers the servers listed there at start (see servers/startup.ts);
 * `--seed -` reads that list from standard input.
 */
async function main(argv: readonly string[]): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const seedFlag = argv.indexOf("--seed");
  const seedFile = seedFlag === -1 ? undefined : argv[seedFlag + 1];
  if (seedFlag !== -1 && !seedFile) throw new Error("--seed needs a file: --seed servers.json");
  const platform = await startPlatform(config, log, {
    ...(seedFile === undefined ? {} : { seeds: readSeedFile(seedFile) }),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await platform.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Start-up errors are written for the operator: the message names what to fix.
  console.error(`gumstack could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
