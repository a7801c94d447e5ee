const MASK = "[redacted]";

/**
 * Removes every credential handed to a tool during its call from the reply, wherever it appears
 * (a result, an error message, structured content): a credential never reaches the model, even
 * when a tool echoes it. Matches the JSON-escaped form, as the value stands in the reply.
 */
export function redactReply<T>(
  reply: T,
  secrets: ReadonlySet<string>,
): { reply: T; redacted: number } {
  if (secrets.size === 0) return { reply, redacted: 0 };
  let text = JSON.stringify(reply);
  let redacted = 0;
  for (const secret of secrets) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (!text.includes(escaped)) continue;
    const parts = text.split(escaped);
    redacted += parts.length - 1;
    text = parts.join(MASK);
  }
  return redacted === 0 ? { reply, redacted } : { reply: JSON.parse(text) as T, redacted };
}
