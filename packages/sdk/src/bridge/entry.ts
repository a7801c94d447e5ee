import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * The bridge's entry script, for the platform's runner to start: `main.ts` when the SDK runs
 * from source (through tsx), `main.js` from its build, as this very module is.
 */
export const BRIDGE_ENTRY = `${here}${import.meta.url.endsWith(".ts") ? "main.ts" : "main.js"}`;
