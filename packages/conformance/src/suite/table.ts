import { type Results, tally } from "./checks.js";

/** The results as a Markdown table, one row per target, as the issue shows them. */
export function resultsTable(rows: ReadonlyArray<{ name: string; results: Results }>): string {
  const lines = [
    "| | scenarios | checks passed | failed | warnings |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const { name, results } of rows) {
    const { scenarios, passed, failed, warnings } = tally(results);
    lines.push(`| ${name} | ${scenarios} | ${passed} | ${failed} | ${warnings} |`);
  }
  return lines.join("\n");
}
