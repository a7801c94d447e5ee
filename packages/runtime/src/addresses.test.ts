import { describe, expect, it } from "vitest";
import { addressProblem } from "./addresses.js";

describe("the addresses an outbound connection may go to", () => {
  it.each([
    ["10.0.0.1", /private/],
    ["172.16.5.4", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["127.0.0.1", /loopback/],
    ["127.255.0.9", /loopback/],
    ["169.254.169.254", /link-local/],
    ["100.64.0.1", /CGNAT/],
    ["100.127.255.254", /CGNAT/],
    ["0.0.0.0", /unspecified/],
    ["224.0.0.251", /multicast/],
    ["255.255.255.255", /reserved/],
    ["192.0.2.10", /documentation/],
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["0:0:0:0:0:0:0:1", /loopback/],
    ["fc00::1", /unique local/],
    ["fd12:3456:789a::1", /unique local/],
    ["fe80::1", /link-local/],
    ["fe80::1%eth0", /link-local/],
    ["ff02::1", /multicast/],
    ["::ffff:127.0.0.1", /loopback.*in an IPv6 form/],
    ["::ffff:7f00:1", /loopback.*in an IPv6 form/],
    ["::ffff:169.254.169.254", /link-local.*in an IPv6 form/],
    ["::ffff:10.0.0.1", /private.*in an IPv6 form/],
    ["64:ff9b::10.0.0.1", /private.*in an IPv6 form/],
    ["2002:a9fe:a9fe::1", /link-local.*in an IPv6 form/],
    ["::127.0.0.1", /IPv4-compatible/],
    ["2001:db8::1", /documentation/],
    ["localhost", /not an IP address/],
  ])("refuses %s", (address, problem) => {
    expect(addressProblem(address)).toMatch(problem);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "169.253.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:93.184.216.34",
    "64:ff9b::93.184.216.34",
  ])("allows the public address %s", (address) => {
    expect(addressProblem(address)).toBeUndefined();
  });
});
