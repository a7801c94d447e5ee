// Loaded into every server process before its entry (`--import data:…`, so nothing needs
// shipping next to the build). A platform that dies without stopping its servers (SIGKILL, a
// crash, an owner that never calls close()) must not leave them running: the server notices it
// has a new parent and sends itself SIGTERM, shutting down as it would on a stop, and exits
// anyway if that takes longer than the grace period. Its timers never keep a server alive.
// In a sandbox its parent is the sandbox's init, which never changes: there bwrap's
// --die-with-parent ends the whole sandbox with the platform instead (sandbox/bwrap-args.ts).
const POLL_MS = 1_000;
const GRACE_MS = 10_000;

const source = `
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  process.kill(process.pid, "SIGTERM");
  setTimeout(() => process.exit(1), ${GRACE_MS}).unref();
}, ${POLL_MS});
watch.unref();
`;

/** The `--import` argument of the watch. */
export const parentWatchImport = `data:text/javascript,${encodeURIComponent(source)}`;
