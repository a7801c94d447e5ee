import { describe, expect, it } from "vitest";
import { bucketOf } from "./client-address.js";

describe("bucketOf", () => {
  it("keeps IPv4 as it is, IPv4-mapped IPv6 as IPv4", () => {
    expect(bucketOf("203.0.113.7")).toBe("203.0.113.7");
    expect(bucketOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts IPv6 by its /64, however it is written", () => {
    expect(bucketOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(bucketOf("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(bucketOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(bucketOf("::1")).toBe("0:0:0:0::/64");
  });
});
