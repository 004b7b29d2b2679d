// Reads the vitest JSON reports that a run wrote into a folder and judges them on their own, whatever
// the runner's exit code said: a failing exit hook once turned "1 failed" into exit 0.
// Usage: node .ci/test-report.mjs <report-dir> <expected report name>...
// Prints "vitest: N passed, M failed[, K skipped]" and exits 1 when a report is missing, a test or a test
// file failed, the runner saw an error outside the tests, or no test ran at all.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, ...expected] = process.argv.slice(2);
if (!dir || expected.length === 0) {
  console.error("usage: test-report.mjs <report-dir> <name>...");
  process.exit(2);
}
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const name of expected) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
  } catch (error) {
    problems.push(`${name}: no readable report (${error.code ?? error.message}); the runner did not finish`);
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  if (report.numFailedTests > 0) problems.push(`${name}: ${report.numFailedTests} failed test(s)`);
  if (report.numFailedTestSuites > 0) problems.push(`${name}: ${report.numFailedTestSuites} failed test file(s)`);
  if (report.numTotalTests === 0) problems.push(`${name}: no test ran`);
  // false also for errors outside any test (an unhandled rejection), which no count above shows.
  if (report.success !== true) problems.push(`${name}: the runner reported the run as failed`);
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === "failed") problems.push(`  failed: ${file.name} > ${test.fullName}`);
    }
    if (file.status === "failed" && (file.assertionResults ?? []).every((t) => t.status !== "failed")) {
      problems.push(`  file failed: ${file.name}: ${(file.message ?? "").split("\n")[0]}`);
    }
  }
}
for (const line of problems) console.error(line);
console.log(`vitest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(problems.length > 0 ? 1 : 0);
