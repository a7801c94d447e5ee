import type { Broker } from "@gumstack/broker";
import type { Id } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import type { Store } from "@gumstack/runtime";
import type { ServerConfig } from "../config.js";
import type { McpEndpoint } from "./streamable/endpoint.js";
import type { UrlElicitations } from "./url-elicitations.js";

/** What the standalone host's routes share; built once in `start()`. */
export interface HostServices {
  config: ServerConfig;
  serverId: Id<"server">;
  store: Store;
  log: Logger;
  broker: Broker | undefined;
  /** The oauth provider's name, for oauth servers. */
  provider: string | undefined;
  mcp: McpEndpoint;
  /** Links handed out as URL elicitations, told here when the user has finished with one. */
  elicitations: UrlElicitations;
  /** How browsers reach this host: links, the callback, and the one origin its forms come from. */
  publicUrl: string;
  /** Cookies get `Secure` unless we are served over plain http (localhost). */
  secureCookies: boolean;
  now: () => number;
}

export interface HostEnv {
  Variables: { services: HostServices };
}
