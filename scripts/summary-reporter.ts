import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, counted from the
 * results, so that CI and people read the outcome the same way whatever else was printed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) counts[test.result().state]++;
      // A file that failed to load has no tests to count; it is a failure all the same.
      if (module.state() === "failed" && module.children.size === 0) counts.failed++;
    }
    const driver = process.env.DATABASE_URL ? "postgres" : "pglite";
    process.stdout.write(
      `\ndatabase: ${driver}\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
