import { safeReturnUrl } from "@gumstack/runtime";
import { ReturnUrlError } from "./errors.js";

/**
 * Where a finished authorization may send the browser (see safeReturnUrl: the one rule for the
 * whole platform). Checked when the flow starts, so a refused URL stores nothing.
 */
export function checkReturnUrl(
  returnTo: string,
  ownOrigin: string,
  allowed: readonly string[],
): string {
  const safe = safeReturnUrl(returnTo, ownOrigin, allowed);
  if (safe === null) {
    throw new ReturnUrlError(
      "return_to must be a path of this site or a URL on its allow-list (printable ASCII, no spaces or backslashes)",
    );
  }
  return safe;
}
