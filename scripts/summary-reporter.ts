import type {
  Reporter,
  SerializedError,
  TestCase,
  TestModule,
  TestRunEndReason,
} from "vitest/node";

type Outcome = "passed" | "failed" | "skipped";

/** Whether the suite or module around a test failed (a hook threw, the file did not load). */
function setupFailed(test: TestCase): boolean {
  for (let at = test.parent; ; at = at.parent) {
    if (at.state() === "failed") return true;
    if (at.type === "module") return false;
  }
}

function outcomeOf(test: TestCase): Outcome {
  const { state } = test.result();
  if (state === "passed" || state === "failed") return state;
  // Never finished: the run was cut short or its worker died.
  if (state === "pending") return "failed";
  // Skipped as declared (skip, todo, only elsewhere), or by ctx.skip(), is a skip; a test that
  // did not run because a beforeAll around it threw is a failure vitest reports as a skip.
  const declared = test.options.mode === "skip" || test.options.mode === "todo";
  return !declared && setupFailed(test) ? "failed" : "skipped";
}

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, counted from the
 * results, so that CI and people read the outcome the same way whatever else was printed. A run
 * vitest calls failed never ends on `0 failed`: a module that failed outside its tests (did not
 * load, a hook threw) counts once, and so does each unhandled error.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const counts: Record<Outcome, number> = { passed: 0, failed: 0, skipped: 0 };
    const notes: string[] = [];
    for (const module of testModules) {
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const outcome = outcomeOf(test);
        counts[outcome]++;
        if (outcome === "failed") failedTests++;
      }
      if (module.state() === "failed" && failedTests === 0) {
        counts.failed++;
        notes.push(`failed outside its tests: ${module.relativeModuleId}`);
      }
    }
    if (unhandledErrors.length > 0) {
      counts.failed += unhandledErrors.length;
      notes.push(`unhandled errors: ${unhandledErrors.length}`);
    }
    if (reason !== "passed" && counts.failed === 0) {
      counts.failed++;
      notes.push(`run ${reason} with no failure counted above`);
    }
    const driver = process.env.DATABASE_URL ? "postgres" : "pglite";
    process.stdout.write(
      `\n${notes.map((note) => `${note}\n`).join("")}database: ${driver}\n` +
        `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
