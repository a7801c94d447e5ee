/**
 * What a listing shows of a secret value: never the value. Long values (keys, tokens) show their
 * last four characters, enough to tell two apart; short ones show nothing but their presence.
 */
export function maskedPreview(value: string): string {
  return value.length >= 16 ? `••••${value.slice(-4)}` : "••••";
}
