import { isIP } from "node:net";
import type { Context } from "hono";
import type { AppEnv } from "../env.js";

/**
 * Who is asking, for throttling: the socket's peer, or with `trustProxy` reverse proxies in
 * front, the address the outermost of them saw (`X-Forwarded-For` read from the right, since a
 * client can put anything on its left). IPv6 addresses count by their /64: one host usually
 * holds a whole /64 and could otherwise rotate through it.
 */
export function clientAddress(c: Context<AppEnv>): string {
  const hops = c.var.trustProxy;
  let address: string | undefined;
  if (hops > 0) {
    const forwarded = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    address = forwarded[Math.max(0, forwarded.length - hops)];
  }
  address ??= c.env?.incoming?.socket.remoteAddress;
  return address === undefined ? "unknown" : bucketOf(address);
}

export function bucketOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (isIP(address) !== 6) return address;
  return `${expand(address).slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled in. */
function expand(address: string): string[] {
  const [head = "", tail] = address.toLowerCase().split("%")[0]?.split("::") ?? [""];
  const left = head === "" ? [] : head.split(":");
  if (tail === undefined) return left;
  const right = tail === "" ? [] : tail.split(":");
  return [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
}
