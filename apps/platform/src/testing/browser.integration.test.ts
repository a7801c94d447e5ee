import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CHROMIUM_VARIABLE,
  ConfiguredChromiumError,
  findChromium,
  launchChromium,
} from "./browser.js";
import { registryChromium } from "./registry-chromium.js";

const NO_SYSTEM = "/nonexistent/chromium";
/** Any executable file stands in for an installed browser where only the search is tested. */
const EXECUTABLE = process.execPath;

describe("the browser for tests", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("takes GUMSTACK_TEST_CHROMIUM first, over a system chromium", async () => {
    const found = await findChromium({ [CHROMIUM_VARIABLE]: EXECUTABLE }, EXECUTABLE);
    expect(found).toMatchObject({ path: EXECUTABLE, source: CHROMIUM_VARIABLE });
  });

  it("refuses a configured path that is absent or a folder, naming the variable", async () => {
    for (const path of ["/nonexistent/chrome", tmpdir()]) {
      const found = findChromium({ [CHROMIUM_VARIABLE]: path }, EXECUTABLE);
      await expect(found).rejects.toBeInstanceOf(ConfiguredChromiumError);
      await expect(found).rejects.toThrow(`${CHROMIUM_VARIABLE}=${path} is not an executable`);
    }
  });

  it("takes the system chromium when nothing is configured", async () => {
    expect(await findChromium({}, EXECUTABLE)).toMatchObject({
      path: EXECUTABLE,
      source: "system",
    });
  });

  it("falls back to the registry Chromium, which runs a page, its own libraries first", async () => {
    const found = await findChromium({ LD_LIBRARY_PATH: "/opt/x" }, NO_SYSTEM);
    expect(found.source).toMatch(/^@sparticuz\/chromium \d+\./);
    expect(found.env.LD_LIBRARY_PATH).toMatch(/\/lib:\/opt\/x$/);
    const browser = await launchChromium(found);
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.setContent("<p id=answer></p><script>answer.textContent = 6 * 7</script>");
    expect(await page.textContent("#answer")).toBe("42");
    const major = found.source.split(" ")[1]?.split(".")[0];
    expect(browser.version().split(".")[0]).toBe(major);
  }, 60_000);

  it("unpacks once when two runs race for an empty cache, leaving no half-written folder", async () => {
    const cache = await mkdtemp(join(tmpdir(), "gumstack-browser-cache-"));
    cleanups.push(() => rm(cache, { recursive: true, force: true }));
    const [a, b] = await Promise.all([registryChromium(cache), registryChromium(cache)]);
    expect(a).toEqual(b);
    expect(await readdir(cache)).toEqual([`gumstack-chromium-${a.version}`]);
    expect((await readdir(a.libraries)).sort()).toContain("libnss3.so");
  }, 60_000);
});
