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
        write(JSON.stringify({ time: new Date().toISOString(), level, message, ...safe }));
        return;
      }
      const extra = Object.entries(safe)
        .map(
          ([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`,
        )
        .join("");
      write(`${level.padEnd(5)} ${message}${extra}`);
    };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
