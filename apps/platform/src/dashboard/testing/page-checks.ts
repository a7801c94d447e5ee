import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repoRoot } from "@gumstack/db/testing";
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { z } from "zod";

// What every dashboard browser test checks a page with, in one place.

const screenshots = join(repoRoot, "artifacts", "screenshots");
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

const axeViolations = z.array(
  z.object({
    id: z.string(),
    impact: z.string().nullable(),
    help: z.string(),
    nodes: z.array(z.object({ target: z.unknown() })),
  }),
);

/** Saves the page as artifacts/screenshots/<name>.png and fails on serious axe violations. */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  await page.evaluate(axeSource);
  const violations = axeViolations.parse(
    await page.evaluate("axe.run().then((result) => result.violations)"),
  );
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
  expect(serious, `axe on ${name}`).toEqual([]);
}

/** Clicks something that submits or navigates, and waits for the page it leads to. */
export async function go(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), target.click()]);
}

export const text = async (locator: Locator) => (await locator.textContent())?.trim() ?? "";

/**
 * Collects script errors and CSP violations on the platform's pages into `errors` (Chrome also
 * reports every non-2xx answer as a console error, which several steps expect: not those).
 */
export function watchPage(page: Page, origin: string, errors: string[]): void {
  page.setDefaultTimeout(15_000);
  page.on("console", (message) => {
    const answered = message.text().startsWith("Failed to load resource: the server responded");
    if (message.type() === "error" && page.url().startsWith(origin) && !answered)
      errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
}
