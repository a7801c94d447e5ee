import { z } from "zod";

/** One check as the suite writes it to `checks.json` (INFO entries are its trace). */
export const checkSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(["SUCCESS", "FAILURE", "WARNING", "SKIPPED", "INFO"]),
  errorMessage: z.string().optional(),
  // Some warnings say why only here.
  details: z.record(z.string(), z.unknown()).optional(),
});
export type Check = z.infer<typeof checkSchema>;

/** A scenario's checks, by scenario name. */
export type Results = Map<string, Check[]>;

/** What a target's run comes to: checks passed and failed, warnings, per scenario too. */
export function tally(results: Results) {
  let passed = 0;
  let failed = 0;
  let warnings = 0;
  for (const checks of results.values()) {
    for (const check of checks) {
      if (check.status === "SUCCESS") passed++;
      else if (check.status === "FAILURE") failed++;
      else if (check.status === "WARNING") warnings++;
    }
  }
  return { scenarios: results.size, passed, failed, warnings };
}

/** `scenario/check` keys of every check that passed each time it was made. */
export function passing(results: Results): Set<string> {
  const verdicts = new Map<string, boolean>();
  for (const [scenario, checks] of results) {
    for (const check of checks) {
      if (check.status === "INFO") continue;
      const key = `${scenario}/${check.id}`;
      verdicts.set(key, (verdicts.get(key) ?? true) && check.status === "SUCCESS");
    }
  }
  return new Set([...verdicts].filter(([, ok]) => ok).map(([key]) => key));
}

/** The checks that did not pass on a target, with the suite's message for each. */
export function problems(results: Results): string[] {
  const lines: string[] = [];
  for (const [scenario, checks] of results) {
    for (const check of checks) {
      if (check.status !== "FAILURE" && check.status !== "WARNING") continue;
      const said = check.details?.message;
      const why = check.errorMessage ?? (typeof said === "string" ? said : "(no message)");
      lines.push(`${scenario}/${check.id} ${check.status}: ${why}`);
    }
  }
  return lines;
}

/**
 * What passed on `baseline` and not in `results`, each with the suite's message: its own, or,
 * for a check not made at all, what its scenario said when it stopped before it.
 */
export function lost(baseline: Results, results: Results): string[] {
  const here = passing(results);
  const messages = problems(results);
  return [...passing(baseline)]
    .filter((key) => !here.has(key))
    .map((key) => {
      const own = messages.find((line) => line.startsWith(`${key} `));
      if (own) return own;
      const scenario = key.slice(0, key.indexOf("/"));
      const why = messages.filter((line) => line.startsWith(`${scenario}/`));
      return `${key}: not checked (${why.join("; ") || "the scenario did not run"})`;
    });
}
