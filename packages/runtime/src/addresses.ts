import { isIPv4, isIPv6 } from "node:net";

/*
 * Which addresses the platform (and a bridge it runs) may connect to at a URL someone else chose:
 * a client_id metadata document, a remote MCP server. Without this check such a URL points the
 * platform at its own network (a cloud's metadata service at 169.254.169.254, a database on
 * 10.0.0.5, the platform itself on loopback).
 */

/** [first address as bytes, prefix length, what the range is] */
type Range = readonly [readonly number[], number, string];

const V4_RANGES: readonly Range[] = [
  [[0, 0, 0, 0], 8, "unspecified (0.0.0.0/8)"],
  [[10, 0, 0, 0], 8, "private (10.0.0.0/8)"],
  [[100, 64, 0, 0], 10, "shared CGNAT (100.64.0.0/10)"],
  [[127, 0, 0, 0], 8, "loopback (127.0.0.0/8)"],
  [[169, 254, 0, 0], 16, "link-local (169.254.0.0/16)"],
  [[172, 16, 0, 0], 12, "private (172.16.0.0/12)"],
  [[192, 0, 0, 0], 24, "IETF protocol assignments (192.0.0.0/24)"],
  [[192, 0, 2, 0], 24, "documentation (192.0.2.0/24)"],
  [[192, 168, 0, 0], 16, "private (192.168.0.0/16)"],
  [[198, 18, 0, 0], 15, "benchmarking (198.18.0.0/15)"],
  [[198, 51, 100, 0], 24, "documentation (198.51.100.0/24)"],
  [[203, 0, 113, 0], 24, "documentation (203.0.113.0/24)"],
  [[224, 0, 0, 0], 4, "multicast (224.0.0.0/4)"],
  [[240, 0, 0, 0], 4, "reserved (240.0.0.0/4, broadcast included)"],
];

const V6_RANGES: readonly Range[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128, "unspecified (::)"],
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, "loopback (::1)"],
  // IPv4-compatible (deprecated) and everything else in ::/8 that is not mapped (below).
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96, "IPv4-compatible (::/96)"],
  [[0x01, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only (100::/64)"],
  [[0x20, 0x01, 0x0d, 0xb8], 32, "documentation (2001:db8::/32)"],
  [[0xfc], 7, "unique local (fc00::/7)"],
  [[0xfe, 0x80], 10, "link-local (fe80::/10)"],
  [[0xfe, 0xc0], 10, "site-local (fec0::/10)"],
  [[0xff], 8, "multicast (ff00::/8)"],
];

const inRange = (bytes: readonly number[], [first, bits]: Range): boolean => {
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> (i % 8);
    if (((bytes[i >> 3] ?? 0) & mask) !== ((first[i >> 3] ?? 0) & mask)) return false;
  }
  return true;
};

const v4Bytes = (address: string): number[] => address.split(".").map(Number);

/** An IPv6 address's 16 bytes (`::` expanded, a trailing dotted IPv4 part read as its 4). */
function v6Bytes(address: string): number[] {
  let text = address.replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = v4Bytes(dotted);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/**
 * Why the platform may not connect to `address` (an IP address, as DNS answered it), or
 * undefined when it is a public one. An IPv6 form of an IPv4 address (mapped `::ffff:a.b.c.d`,
 * NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::`) is judged as that IPv4 address.
 */
export function addressProblem(address: string): string | undefined {
  if (isIPv4(address)) {
    const bytes = v4Bytes(address);
    return V4_RANGES.find((range) => inRange(bytes, range))?.[2];
  }
  if (!isIPv6(address)) return "not an IP address";
  const bytes = v6Bytes(address);
  const embedded = embeddedV4(bytes);
  if (embedded !== undefined) {
    const problem = addressProblem(embedded);
    return problem === undefined ? undefined : `${problem}, in an IPv6 form`;
  }
  return V6_RANGES.find((range) => inRange(bytes, range))?.[2];
}

function embeddedV4(bytes: readonly number[]): string | undefined {
  const mapped = inRange(bytes, [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96, ""]);
  const nat64 = inRange(bytes, [[0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96, ""]);
  if (mapped || nat64) return bytes.slice(12).join(".");
  if (inRange(bytes, [[0x20, 0x02], 16, ""])) return bytes.slice(2, 6).join(".");
  return undefined;
}
