// One of several processes racing to refresh the same token (refresh-race.integration.test.ts).
import { once } from "node:events";
import { createDatabase, type Id } from "@gumstack/db";
import { OAuth2Provider } from "@gumstack/oauth";
import { parseKeyRing, Vault } from "@gumstack/vault";
import { Broker } from "../broker.js";
import { quietLog } from "./fixtures.js";

const env = process.env as Record<string, string>;
const database = await createDatabase({ url: env.RACE_DATABASE_URL as string });
const provider = await OAuth2Provider.discover(env.RACE_ISSUER as string, {
  clientId: env.RACE_CLIENT_ID as string,
  clientSecret: env.RACE_CLIENT_SECRET as string,
});
const broker = new Broker({
  db: database.db,
  vault: new Vault(parseKeyRing(env.RACE_KEYS as string, "RACE_KEYS")),
  log: quietLog,
  provider: () => provider,
  callbackUrl: "http://127.0.0.1/auth/callback",
});
process.stdout.write("ready\n");
await once(process.stdin, "data");
const grants = await Promise.all(
  Array.from({ length: Number(env.RACE_CALLS) }, () =>
    broker.accessToken({
      userId: env.RACE_USER as Id<"user">,
      serverId: env.RACE_SERVER as Id<"server">,
      provider: "oidc",
    }),
  ),
);
process.stdout.write(`${JSON.stringify(grants.map((g) => g.accessToken))}\n`);
await database.close();
