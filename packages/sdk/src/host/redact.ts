const MASK = "[redacted]";

/**
 * Removes every credential handed to a tool during its call from the reply, wherever it appears
 * (a result, an error message, structured content): a credential never reaches the model, even
 * when a tool echoes it. Matches the JSON-escaped form, as the value stands in the reply.
 *
 * A value the caller sent in its own request is left as it is: redacting an echo of the
 * caller's input would tell them that their guess is one of the server's secrets (the reply
 * says `[redacted]` for a right guess and echoes a wrong one). It reveals nothing the caller did
 * not already know.
 */
export function redactReply<T>(
  reply: T,
  secrets: ReadonlySet<string>,
  callerSent: CallerText = NOTHING_SENT,
): { reply: T; redacted: number } {
  if (secrets.size === 0) return { reply, redacted: 0 };
  let text = JSON.stringify(reply);
  let redacted = 0;
  for (const secret of secrets) {
    if (callerSent.contains(secret)) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (!text.includes(escaped)) continue;
    const parts = text.split(escaped);
    redacted += parts.length - 1;
    text = parts.join(MASK);
  }
  return redacted === 0 ? { reply, redacted } : { reply: JSON.parse(text) as T, redacted };
}

/** The strings of a request as parsed (escapes decoded), so a guess matches however it is sent. */
export class CallerText {
  private readonly strings: string[] = [];
  private readonly joined: string;

  constructor(messages: unknown) {
    const stack: unknown[] = [messages];
    while (stack.length > 0) {
      const value = stack.pop();
      if (typeof value === "string") this.strings.push(value);
      // Reversed onto the stack, so the strings come out in the order they were sent.
      else if (typeof value === "object" && value !== null)
        stack.push(...Object.values(value).reverse());
    }
    this.joined = this.strings.join("");
  }

  /** Whether `value` is in one of the strings, or in all of them put end to end. */
  contains(value: string): boolean {
    return this.strings.some((s) => s.includes(value)) || this.joined.includes(value);
  }
}

const NOTHING_SENT = new CallerText([]);
