// Compares a ghz JSON report with the stored thresholds; exits 1 on a throughput, p99 or error regression.
//   node .ci/tools-load-test-check.mjs <ghz-report.json> <thresholds.json> [scenario]
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const [reportPath, thresholdsPath, scenarioArg] = process.argv.slice(2);
if (!reportPath || !thresholdsPath) {
  console.error("usage: tools-load-test-check.mjs <ghz-report.json> <thresholds.json> [scenario]");
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const scenario = scenarioArg ?? basename(reportPath, ".json");
const limits = JSON.parse(readFileSync(thresholdsPath, "utf8"))[scenario];
if (!limits) {
  console.error(`no thresholds for scenario "${scenario}" in ${thresholdsPath}`);
  process.exit(2);
}

// ghz reports latencies in nanoseconds.
const p99 = (report.latencyDistribution ?? []).find((d) => d.percentage === 99);
const p99Ms = p99 ? p99.latency / 1e6 : Number.POSITIVE_INFINITY;
const total = report.count ?? 0;
const ok = report.statusCodeDistribution?.OK ?? 0;
const errorRatio = total > 0 ? (total - ok) / total : 1;

const checks = [
  {
    name: "throughput (calls/s)",
    value: report.rps,
    limit: limits.minRps,
    pass: report.rps >= limits.minRps,
    op: ">=",
  },
  { name: "p99 latency (ms)", value: p99Ms, limit: limits.maxP99Ms, pass: p99Ms <= limits.maxP99Ms, op: "<=" },
  {
    name: "error ratio",
    value: errorRatio,
    limit: limits.maxErrorRatio,
    pass: errorRatio <= limits.maxErrorRatio,
    op: "<=",
  },
];
for (const c of checks) {
  console.log(`${c.pass ? "ok  " : "FAIL"} ${c.name}: ${Number(c.value).toFixed(3)} (must be ${c.op} ${c.limit})`);
}
const failed = checks.filter((c) => !c.pass).length;
console.log(`load-test: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
