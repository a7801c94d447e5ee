export {
  createDatabase,
  type Database,
  type DatabaseHandle,
  type DatabaseOptions,
  type Driver,
  type Schema,
} from "./client.js";
export { DataDirInUseError } from "./data-dir-lock.js";
export { type EncryptedColumn, encryptedColumns } from "./encrypted-columns.js";
export { type Id, type IdKind, isId, newId } from "./ids.js";
export {
  defaultMigrationsFolder,
  type MigrateResult,
  type Migration,
  MigrationError,
  migrate,
  readMigrations,
} from "./migrate.js";
export { rowsOf } from "./rows.js";
export * from "./schema/index.js";
