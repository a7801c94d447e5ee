import { READY_PREFIX } from "../host/child.js";

/** The child's side of startChild: one line, READY and what the parent needs, as JSON. */
export function announce(ready: object): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
}
