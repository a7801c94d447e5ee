/**
 * "try again in N minutes" from a `Retry-After` of delay-seconds (what the API sends), rounded
 * up to whole minutes; "try again later" when the header is absent or not a number.
 */
export function retryText(retryAfter: string | null): string {
  if (retryAfter === null || !/^\d+$/.test(retryAfter.trim())) return "try again later";
  const minutes = Math.max(1, Math.ceil(Number(retryAfter) / 60));
  return `try again in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}
