import { lstatSync, readlinkSync, statSync } from "node:fs";
import type { Command, ExtraFd, Launch } from "../command.js";
import { covers, outermost } from "./paths.js";
import type { SandboxView } from "./view.js";

/** Inside, the server is this unprivileged user, with a home of its own (a tmpfs). */
const UID = "65534";
export const SANDBOX_HOME = "/home/gumstack";
const PASSWD = `gumstack:x:${UID}:${UID}:Gumstack hosted server:${SANDBOX_HOME}:/usr/sbin/nologin\n`;
const GROUP = `gumstack:x:${UID}:\n`;

/** What node, its resolver and TLS read from /etc; nothing else of it (no shadow, no ssl/private). */
const ETC = [
  "resolv.conf",
  "hosts",
  "host.conf",
  "nsswitch.conf",
  "gai.conf",
  "localtime",
  "services",
  "protocols",
  "ssl/certs",
  "ssl/openssl.cnf",
  "pki/tls/certs",
  "pki/ca-trust/extracted",
].map((name) => `/etc/${name}`);

/** Top-level system folders, which on a merged-/usr system are links into /usr. */
const SYSTEM = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * The process: namespaces of its own for users (one unprivileged uid, no capabilities, no
 * nested namespaces), processes (what it starts dies with it), IPC and host name; the host's
 * network (it listens on loopback and calls the platform). Its own session, so that a signal
 * to it spares bwrap (server-process.ts), and no terminal to write into. bwrap dies with the
 * platform (`--die-with-parent`: when the thread that started it ends, which is the main one).
 */
export const PROCESS_FLAGS = [
  "--unshare-user",
  "--unshare-pid",
  "--unshare-ipc",
  "--unshare-uts",
  "--unshare-cgroup-try",
  "--disable-userns",
  "--uid",
  UID,
  "--gid",
  UID,
  "--cap-drop",
  "ALL",
  "--die-with-parent",
  "--new-session",
];

/** The system, read-only, and fresh /dev, /proc, /tmp and home: what any program needs. */
export function systemArgs(): string[] {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const path of SYSTEM) {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) args.push("--symlink", readlinkSync(path), path);
    else if (stat?.isDirectory()) args.push("--ro-bind", path, path);
  }
  args.push("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", SANDBOX_HOME);
  for (const path of ETC) args.push("--ro-bind-try", path, path);
  return args;
}

/** bwrap running `command` with `view`: the allow-list of what the server sees. */
export function bwrapLaunch(bwrap: string, command: Command, view: SandboxView): Launch {
  const fds: ExtraFd[] = [];
  const fd = (extra: ExtraFd) => String(2 + fds.push(extra));
  const args = [
    ...PROCESS_FLAGS,
    ...systemArgs(),
    "--ro-bind-data",
    fd({ input: PASSWD }),
    "/etc/passwd",
    "--ro-bind-data",
    fd({ input: GROUP }),
    "/etc/group",
    ...bindArgs(view),
    ...hideArgs(view),
    "--chdir",
    view.cwd,
    "--info-fd",
    fd({ sandboxInfo: true }),
    "--",
    // bwrap sets PWD; the server's environment is exactly its own (child-env.ts).
    "/usr/bin/env",
    "-u",
    "PWD",
    command.command,
    ...command.args,
  ];
  return { command: bwrap, args, fds };
}

/** Parents before children, so that a writable folder inside a read-only one stays writable. */
function bindArgs(view: SandboxView): string[] {
  const writable = outermost(view.writable);
  // Inside /usr is shown already (systemArgs).
  const readOnly = outermost(["/usr", ...view.readOnly]).filter(
    (path) => path !== "/usr" && !writable.some((w) => covers(w, path)),
  );
  const binds = [
    ...readOnly.map((path) => ({ path, flag: "--ro-bind" })),
    ...writable.map((path) => ({ path, flag: "--bind" })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return binds.flatMap(({ path, flag }) => [flag, path, path]);
}

/**
 * Covers each of the platform's own paths that would be visible (under a folder shown, or
 * holding one) with an empty read-only folder, or /dev/null for a file. Last: it shadows
 * whatever was bound below it.
 */
function hideArgs(view: SandboxView): string[] {
  const shown = ["/usr", ...SYSTEM, ...view.readOnly, ...view.writable];
  const args: string[] = [];
  for (const path of view.hidden) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat || !shown.some((s) => covers(s, path) || covers(path, s))) continue;
    if (stat.isDirectory()) args.push("--tmpfs", path, "--remount-ro", path);
    else args.push("--ro-bind", "/dev/null", path);
  }
  return args;
}
