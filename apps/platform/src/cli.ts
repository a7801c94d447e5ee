import { encryptedColumns } from "@gumstack/db";
import { createLogger } from "@gumstack/log";
import { loadConfig } from "@gumstack/runtime";
import { generateKeySpec, rotateSecrets } from "@gumstack/vault";
import { openServices } from "./boot.js";
import { CliError, serversCommand, serversUsage } from "./cli/servers.js";

const usage = `usage: gumstack <command>

  vault generate-key [id]      print a new key entry for GUMSTACK_VAULT_KEYS
  vault rotate [--batch-size N]
                               re-encrypt every stored secret under the primary key
                               (the first in GUMSTACK_VAULT_KEYS); safe while the platform
                               serves, and safe to run again after a crash
  migrate                      apply pending database migrations and exit
${serversUsage}`;

async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (group === "vault" && command === "generate-key") {
    print(generateKeySpec(rest[0]));
    return 0;
  }
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  if (group === "servers")
    return serversCommand([command ?? "", ...rest].filter(Boolean), config, process.env, print);
  if (group === "migrate") {
    const services = await openServices(config, log);
    await services.database.close();
    return 0;
  }
  if (group === "vault" && command === "rotate") {
    const sizeFlag = rest.indexOf("--batch-size");
    const batchSize = sizeFlag === -1 ? 500 : Number(rest[sizeFlag + 1]);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new Error("--batch-size must be a whole number from 1 to 10000");
    }
    const services = await openServices(config, log);
    try {
      const result = await rotateSecrets(services.database.db, services.vault, encryptedColumns, {
        batchSize,
        onBatch: (p) => log.info(`rotating ${p.table}.${p.field}`, { rotated: p.rotated }),
      });
      const primary = services.vault.keyRing.primary.id;
      print(
        `rotated ${result.rotated} secrets to key "${primary}" (${result.conflicts} rewritten meanwhile by the platform)`,
      );
      for (const f of result.failed) {
        print(`could not open ${f.table}.${f.field} of ${f.id} (${f.reason}): enter it again`);
      }
      if (result.remaining > 0) {
        print(
          `${result.remaining} secrets were written under an older key during the run: restart every instance with the new key first, then run this again`,
        );
      }
      return result.failed.length === 0 && result.remaining === 0 ? 0 : 2;
    } finally {
      await services.database.close();
    }
  }
  print(usage);
  return group === undefined || group === "help" || group === "--help" ? 0 : 64;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A CliError is the user's to fix and says how; anything else is ours: its stack helps.
    if (error instanceof CliError) console.error(`gumstack: ${error.message}`);
    else
      console.error(`gumstack: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    process.exit(1);
  },
);
