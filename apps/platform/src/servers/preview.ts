/**
 * What a listing shows of a secret value: that it is set, nothing of the value. Not even its
 * last characters: an operator's value is often short or structured (a region, a numeric id),
 * where four characters are most of it, and a preview of them confirms a guess.
 */
export function maskedPreview(_value: string): string {
  return "••••";
}
