import { existsSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Logger } from "@gumstack/log";

/**
 * Tells the operator the first admin's password without it ever reaching a log. On a terminal
 * it is printed there; anywhere else (a process manager, `npm start`'s pipe, a container) stdout
 * is the log, so it goes to a file only this OS user can read, and the log says where.
 */
export function announceFirstAdmin(
  admin: { email: string; password: string },
  options: { dataDir: string; publicUrl: string; log: Logger; terminal: boolean },
): void {
  const { dataDir, publicUrl, log, terminal } = options;
  if (terminal) {
    process.stdout.write(
      `\nFirst start: an admin account was created. Sign in at ${publicUrl} with\n` +
        `  email:    ${admin.email}\n  password: ${admin.password}\n(shown once; change it after signing in)\n\n`,
    );
    return;
  }
  const file = firstAdminFile(dataDir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // A file left from an earlier first start could be anyone's: made new, 0600 from the start.
  if (existsSync(file)) unlinkSync(file);
  writeFileSync(file, `email: ${admin.email}\npassword: ${admin.password}\n`, {
    mode: 0o600,
    flag: "wx",
  });
  log.info(
    `first start: an admin account was created (${admin.email}); its password is in ${file}, readable only by this user. Sign in at ${publicUrl}, change the password, then delete the file`,
  );
}

/** Beside the data folder, where the generated vault key also lives. */
export const firstAdminFile = (dataDir: string) => join(dirname(dataDir), "first-admin.txt");
