import type { Logger } from "@gumstack/log";
import type { Store } from "@gumstack/runtime";
import type { RequestIdVariables } from "hono/request-id";
import type { Session } from "./accounts/sessions.js";

/** What the platform holds for the life of the process; handed to every request. */
export interface Services extends Store {
  log: Logger;
  /** How browsers reach the platform; its origin is the only one cookie-authenticated writes may come from. */
  publicUrl: string;
  now: () => number;
}

export interface AppEnv {
  Variables: RequestIdVariables &
    Services & {
      /** Set by requireSession. */
      session: Session;
    };
}
