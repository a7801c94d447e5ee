/**
 * `db.execute()` answers in the driver's own shape: postgres.js gives an array of rows, PGlite an
 * object with `rows`. Raw queries go through here so callers see one shape.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (typeof result === "object" && result !== null && "rows" in result) {
    const { rows } = result as { rows: unknown };
    if (Array.isArray(rows)) return rows as T[];
  }
  throw new TypeError("unexpected result shape from the database driver");
}
