import { type Browser, chromium } from "playwright-core";
import { isExecutableFile, REGISTRY_PLATFORM, registryChromium } from "./registry-chromium.js";

/** Names the Chromium (or Chrome) executable the browser tests must use, overriding the search. */
export const CHROMIUM_VARIABLE = "GUMSTACK_TEST_CHROMIUM";
/** Debian's chromium package, used when it is installed. */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  // The tests reach only loopback: no update checks, sync, QUIC probes or first-run pages.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--disable-sync",
  "--no-first-run",
];

export class ConfiguredChromiumError extends Error {
  override name = "ConfiguredChromiumError";
  constructor(path: string) {
    super(`${CHROMIUM_VARIABLE}=${path} is not an executable file`);
  }
}

export class NoChromiumError extends Error {
  override name = "NoChromiumError";
  constructor(platform: string) {
    super(
      `no Chromium at ${SYSTEM_CHROMIUM}, and @sparticuz/chromium has none for ${platform} ` +
        `(only ${REGISTRY_PLATFORM}): set ${CHROMIUM_VARIABLE} to a Chromium or Chrome executable`,
    );
  }
}

export interface ChromiumExecutable {
  path: string;
  /** Where it came from, for the one line that says which browser a run used. */
  source: string;
  /** Extra environment for the browser process. */
  env: Record<string, string>;
}

/**
 * The browser for tests, in order: the path in GUMSTACK_TEST_CHROMIUM (an error if it is not an
 * executable, never a silent fall back), Debian's chromium when installed, else the Chromium that
 * the @sparticuz/chromium package ships.
 */
export async function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  system = SYSTEM_CHROMIUM,
): Promise<ChromiumExecutable> {
  const configured = env[CHROMIUM_VARIABLE];
  if (configured) {
    if (!(await isExecutableFile(configured))) throw new ConfiguredChromiumError(configured);
    return { path: configured, source: CHROMIUM_VARIABLE, env: {} };
  }
  if (await isExecutableFile(system)) return { path: system, source: "system", env: {} };
  const platform = `${process.platform}/${process.arch}`;
  if (platform !== REGISTRY_PLATFORM) throw new NoChromiumError(platform);
  const registry = await registryChromium();
  const inherited = env.LD_LIBRARY_PATH ? `:${env.LD_LIBRARY_PATH}` : "";
  return {
    path: registry.path,
    source: `@sparticuz/chromium ${registry.version}`,
    env: { LD_LIBRARY_PATH: `${registry.libraries}${inherited}` },
  };
}

/** Launches the browser findChromium() picks, headless, and says on stderr which one it is. */
export async function launchBrowser(): Promise<Browser> {
  return launchChromium(await findChromium());
}

export async function launchChromium({ path, source, env }: ChromiumExecutable): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: path,
    args: FLAGS,
    env: { ...process.env, ...env },
  });
  process.stderr.write(`browser: Chromium ${browser.version()} (${source}: ${path})\n`);
  return browser;
}
