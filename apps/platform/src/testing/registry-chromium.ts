import { constants, createReadStream, createWriteStream, readFileSync } from "node:fs";
import { access, chmod, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";
import { extract } from "tar-fs";
import { z } from "zod";

/** The one platform whose Chromium the package ships in the registry (arm64 is a download). */
export const REGISTRY_PLATFORM = "linux/x64";

export interface RegistryChromium {
  path: string;
  /** The shared libraries it was built against (NSS), so it needs none from the machine. */
  libraries: string;
  version: string;
}

/** Whether `path` is a file this process may execute; false when it is absent. */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The headless shell that @sparticuz/chromium ships (for REGISTRY_PLATFORM), unpacked with its
 * libraries into `$TMPDIR/gumstack-chromium-<version>`. Not the package's own
 * executablePath(): that unpacks to a fixed `$TMPDIR/chromium` and takes whatever is there, another
 * version or one half-written by a concurrent run. Here a run unpacks into a folder of its own and
 * renames it into place, so the versioned folder is whole or absent.
 */
export async function registryChromium(cache = tmpdir()): Promise<RegistryChromium> {
  const main = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  const root = join(dirname(main), "../..");
  const { version } = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(join(root, "package.json"), "utf8")));
  const folder = join(cache, `gumstack-chromium-${version}`);
  const found = { path: join(folder, "chromium"), libraries: join(folder, "lib"), version };
  if (await isExecutableFile(found.path)) return found;

  const staging = await mkdtemp(`${folder}-`);
  try {
    const binary = join(staging, "chromium");
    await pipeline(
      createReadStream(join(root, "bin", "chromium.br")),
      createBrotliDecompress(),
      createWriteStream(binary),
    );
    await chmod(binary, 0o755);
    // Built on Amazon Linux 2023; these are the libraries beyond glibc that it links.
    await pipeline(
      createReadStream(join(root, "bin", "al2023.tar.br")),
      createBrotliDecompress(),
      extract(staging),
    );
    await rename(staging, folder).catch(async (error: unknown) => {
      // Another run finished first: its folder is as good as ours.
      if (!(await isExecutableFile(found.path))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return found;
}
