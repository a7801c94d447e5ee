/** The code typed into the field, or the one in a whole sign-up link pasted there instead. */
export function inviteCodeOf(typed: string): string {
  const text = typed.trim();
  if (!/^https?:\/\//i.test(text)) return text;
  try {
    return new URL(text).searchParams.get("invite") ?? text;
  } catch {
    // Not a URL after all: sent as typed, for the API to refuse in its own words.
    return text;
  }
}
