/** The admin platform-server.ts signs up: a throwaway account of a throwaway platform. */
export const BENCH_ADMIN = { email: "bench@example.com", password: "correct horse battery" };

/** What bench/gateway/platform-server.ts announces once example-none serves through the gateway. */
export interface GatewayReady {
  /** `<platform>/mcp/example-none`: through the gateway, with `Authorization: Bearer <apiKey>`. */
  gatewayUrl: string;
  /** The hosted process's own `/mcp`: needs a context signed with `runtimeSecret` ("" for a
   * per-user proxied server, which runs a process per user, on demand). */
  directUrl: string;
  apiKey: string;
  /** An OAuth access token of the same user for the same server (bench:token-check). */
  accessToken: string;
  userId: string;
  serverId: string;
  /** example-none's runtime secret, so the bench can mint contexts as the gateway does. */
  runtimeSecret: string;
  platformPid: number;
  /** 0 for a per-user proxied server. */
  hostedPid: number;
  /** API keys of the extra users asked for (each with a value for every cred field). */
  extraKeys: string[];
  driver: string;
}

export function parseGatewayReady(value: unknown): GatewayReady | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const strings = [
    "gatewayUrl",
    "directUrl",
    "apiKey",
    "accessToken",
    "userId",
    "serverId",
    "runtimeSecret",
  ];
  const numbers = ["platformPid", "hostedPid"];
  if (!strings.every((k) => typeof v[k] === "string")) return undefined;
  if (!numbers.every((k) => typeof v[k] === "number")) return undefined;
  if (typeof v.driver !== "string") return undefined;
  if (!Array.isArray(v.extraKeys) || !v.extraKeys.every((k) => typeof k === "string"))
    return undefined;
  return v as unknown as GatewayReady;
}

/** What floors.ts announces. */
export interface FloorsReady {
  nodeRelayUrl: string;
  bytePipeUrl: string;
  pid: number;
}

export function parseFloorsReady(value: unknown): FloorsReady | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { nodeRelayUrl, bytePipeUrl, pid } = value as Record<string, unknown>;
  return typeof nodeRelayUrl === "string" &&
    typeof bytePipeUrl === "string" &&
    typeof pid === "number"
    ? { nodeRelayUrl, bytePipeUrl, pid }
    : undefined;
}
