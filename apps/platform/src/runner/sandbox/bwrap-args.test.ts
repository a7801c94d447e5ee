import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bwrapLaunch } from "./bwrap-args.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "gumstack-bwrap-args-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (path: string) => join(root, path);
for (const folder of ["server/deps", "server/state/db", "data"]) {
  mkdirSync(at(folder), { recursive: true });
}
writeFileSync(at("server/vault.key"), "k");

const command = { command: "/usr/bin/node", args: ["server.js"], reads: [] };
const launch = bwrapLaunch("/usr/bin/bwrap", command, {
  readOnly: [at("server"), at("server/deps"), "/usr/bin/node"],
  writable: [at("server/state")],
  hidden: [at("server/vault.key"), at("server/state/db"), at("data")],
  cwd: at("server"),
});
const text = launch.args.join(" ");
const position = (part: string) => {
  const index = text.indexOf(part);
  expect(index, part).toBeGreaterThanOrEqual(0);
  return index;
};

describe("the bwrap command", () => {
  it("binds each folder once, parents first, a writable one inside a read-only one after it", () => {
    expect(position(`--ro-bind ${at("server")} ${at("server")}`)).toBeLessThan(
      position(`--bind ${at("server/state")} ${at("server/state")}`),
    );
    // Inside folders shown already: no bind of their own.
    expect(text).not.toContain(`--ro-bind ${at("server/deps")}`);
    expect(text).not.toContain("--ro-bind /usr/bin/node");
  });

  it("hides the protected paths it would show, after every bind, and only those", () => {
    const lastBind = position(`--bind ${at("server/state")}`);
    expect(position(`--ro-bind /dev/null ${at("server/vault.key")}`)).toBeGreaterThan(lastBind);
    expect(
      position(`--tmpfs ${at("server/state/db")} --remount-ro ${at("server/state/db")}`),
    ).toBeGreaterThan(lastBind);
    expect(text).not.toContain(at("data"));
  });

  it("runs the command without PWD, in its folder, reading passwd, group and info fds", () => {
    expect(launch.command).toBe("/usr/bin/bwrap");
    expect(launch.args.slice(-6)).toEqual([
      "--",
      "/usr/bin/env",
      "-u",
      "PWD",
      ...["/usr/bin/node", "server.js"],
    ]);
    expect(text).toContain(`--chdir ${at("server")}`);
    expect(text).toContain("--ro-bind-data 3 /etc/passwd --ro-bind-data 4 /etc/group");
    expect(text).toContain("--info-fd 5");
    expect(launch.fds).toEqual([
      { input: expect.stringMatching(/^gumstack:x:65534:65534:.*:\/home\/gumstack:/) },
      { input: "gumstack:x:65534:\n" },
      { sandboxInfo: true },
    ]);
    // No /etc beyond the allow-list: no shadow, no private TLS keys.
    expect(text).not.toMatch(/\/etc\/(shadow|ssl\/private|ssl )/);
  });
});
