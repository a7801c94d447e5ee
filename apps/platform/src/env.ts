import type { DatabaseHandle } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import type { Vault } from "@gumstack/vault";
import type { RequestIdVariables } from "hono/request-id";

/** What the platform holds for the life of the process; handed to every request. */
export interface Services {
  database: DatabaseHandle;
  vault: Vault;
  log: Logger;
  /** The newest migration applied at start-up. */
  migration: string | null;
}

export interface AppEnv {
  Variables: RequestIdVariables & Services;
}
