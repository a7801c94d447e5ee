import { createHash, randomBytes } from "node:crypto";
import { chmod, chown, open, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A file's contents, and the version they are: what a later write must still find there. */
export interface VersionedFile {
  /** The file itself, symbolic links followed: what a write replaces. */
  path: string;
  text: string;
  version: string;
}

/** A digest of the bytes: changes with any change, names nothing of what they say. */
export const versionOf = (bytes: Buffer | string) =>
  createHash("sha256").update(bytes).digest("base64url");

export async function readVersioned(file: string): Promise<VersionedFile> {
  const path = await realpath(file);
  const handle = await open(path, "r");
  try {
    const bytes = await handle.readFile();
    return { path, text: bytes.toString("utf8"), version: versionOf(bytes) };
  } finally {
    await handle.close();
  }
}

/** The file (or its folder, which a replacement is written in) cannot be written here. */
export class FileNotWritableError extends Error {
  override readonly name = "FileNotWritableError";
}

const NOT_WRITABLE = new Set(["EACCES", "EPERM", "EROFS"]);

/**
 * Replaces `path` with `text` all at once: written to a file beside it, flushed, given the
 * original's permissions (and owner, when running as root), then renamed over it, so a reader (a deploy, a crash mid-way) sees the
 * old file or the new one, never part of either.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const { mode, uid, gid } = await stat(path);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}`);
  try {
    const handle = await open(temporary, "wx", mode & 0o777);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open's mode is filtered by the umask: set exactly what the original had. Only root can
    // give a file away, and a platform running as root must not take the operator's file.
    await chmod(temporary, mode & 0o7777);
    if (process.getuid?.() === 0) await chown(temporary, uid, gid);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && NOT_WRITABLE.has(code)) {
      throw new FileNotWritableError(
        `${path} cannot be replaced (${code}): its folder must be writable by the platform`,
        { cause: error },
      );
    }
    throw error;
  }
}
