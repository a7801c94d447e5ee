/** The key configuration is unusable; the message names the variable or file it came from. */
export class VaultConfigError extends Error {
  override readonly name = "VaultConfigError";
}

/** None of the configured keys is the one the stored data was encrypted with. */
export class VaultKeyMismatchError extends Error {
  override readonly name = "VaultKeyMismatchError";
}

export type DecryptFailure = "malformed" | "unknown_key" | "authentication_failed";

/**
 * One stored secret could not be opened. Only that secret is lost: the caller reports it for that
 * row, and writing the secret again replaces it.
 */
export class VaultDecryptError extends Error {
  override readonly name = "VaultDecryptError";
  constructor(
    readonly reason: DecryptFailure,
    readonly location: { table: string; id: string; field: string },
    options?: { cause?: unknown },
  ) {
    const where = `${location.table}.${location.field} of ${location.id}`;
    const why = {
      malformed: "is not a vault envelope",
      unknown_key: "was encrypted with a key that is not in the key ring",
      authentication_failed:
        "failed authentication (tampered with, moved from another row or field, or the wrong key)",
    }[reason];
    super(`the secret in ${where} ${why}; enter it again to replace it`, options);
  }
}
