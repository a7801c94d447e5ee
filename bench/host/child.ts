// What the bench's server processes share: how they tell the parent where they listen, and how
// they stop. A child exits when its stdin closes, so it never outlives a parent that died.

/** The line the parent waits for; anything else a child prints is passed on as a log line. */
export const READY_PREFIX = "READY ";

export interface Ready {
  /** The MCP endpoint. */
  url: string;
  /** Headers every request to it needs (the API key, for ours). */
  headers: Record<string, string>;
  /** What stores its data, when anything does. */
  driver: string | null;
}

/** Whether a parsed READY announcement is one. */
export function isReady(value: unknown): value is Ready {
  if (typeof value !== "object" || value === null) return false;
  const { url, headers, driver } = value as Record<string, unknown>;
  return (
    typeof url === "string" &&
    typeof headers === "object" &&
    headers !== null &&
    (driver === null || typeof driver === "string")
  );
}

export function announce(ready: Ready): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
}

export function exitWithParent(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.once("SIGTERM", stop);
}
