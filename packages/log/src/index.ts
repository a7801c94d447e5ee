export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// A field whose name says it holds a secret is never written, whoever passed it.
const SECRET_FIELD = /token|secret|password|authorization|cookie|api[-_]?key|credential/i;

function redact(fields: LogFields): LogFields {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      SECRET_FIELD.test(key) ? "[redacted]" : value instanceof Error ? value.message : value,
    ]),
  );
}

// A line is one entry: a newline or other control character in a value (a URL from a request,
// say) is written escaped, so no input can forge a line of its own.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;
const oneLine = (text: string) =>
  text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export function createLogger(options: {
  level: LogLevel;
  format: "pretty" | "json";
  write?: (line: string) => void;
}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const emit =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (order[level] < order[options.level]) return;
      const safe = redact(fields);
      if (options.format === "json") {
        // JSON escapes control characters itself, but not U+2028/U+2029.
        write(oneLine(JSON.stringify({ time: new Date().toISOString(), level, message, ...safe })));
        return;
      }
      const extra = Object.entries(safe)
        .map(
          ([key, value]) =>
            ` ${oneLine(key)}=${typeof value === "string" ? oneLine(value) : JSON.stringify(value)}`,
        )
        .join("");
      write(`${level.padEnd(5)} ${oneLine(message)}${extra}`);
    };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
