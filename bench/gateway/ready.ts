/** What bench/gateway/platform-server.ts announces once example-none serves through the gateway. */
export interface GatewayReady {
  /** `<platform>/mcp/example-none`: through the gateway, with `Authorization: Bearer <apiKey>`. */
  gatewayUrl: string;
  /** The hosted process's own `/mcp`: needs a context signed with `runtimeSecret`. */
  directUrl: string;
  apiKey: string;
  /** An OAuth access token of the same user for the same server (bench:token-check). */
  accessToken: string;
  userId: string;
  serverId: string;
  /** example-none's runtime secret, so the bench can mint contexts as the gateway does. */
  runtimeSecret: string;
  platformPid: number;
  hostedPid: number;
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
  return v as unknown as GatewayReady;
}
