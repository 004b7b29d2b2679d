// Compares the load test's summary (load-tests/run.sh writes results/summary.json) with the stored thresholds;
// exits 1 on a throughput, p99, error or relative-to-baseline regression of any scenario that has thresholds.
//   node .ci/tools-load-test-check.mjs <summary.json> <thresholds.json>
// Thresholds per scenario name (all optional): minRps, maxP99Ms, maxErrorRatio, and
// minRpsVsBaseline: { baseline: "<scenario>", ratio: 0.2 } — at least ratio x the baseline's rps in the same run,
// which holds on a slower or busier runner where absolute numbers move.
import { readFileSync } from "node:fs";

const [summaryPath, thresholdsPath] = process.argv.slice(2);
if (!summaryPath || !thresholdsPath) {
  console.error("usage: tools-load-test-check.mjs <summary.json> <thresholds.json>");
  process.exit(2);
}
const summary = JSON.parse(readFileSync(summaryPath, "utf8"));
const thresholds = JSON.parse(readFileSync(thresholdsPath, "utf8"));
if (!Array.isArray(summary.scenarios)) {
  console.error(`${summaryPath} has no scenarios array; is it a load-tests summary.json?`);
  process.exit(2);
}
const byName = new Map(summary.scenarios.map((s) => [s.name, s]));

const checks = [];
let configurationErrors = 0;
for (const [name, limits] of Object.entries(thresholds)) {
  if (name.startsWith("$")) continue; // "$comment" and the like
  const s = byName.get(name);
  if (!s) {
    console.error(`FAIL ${name}: thresholds exist but the summary has no such scenario`);
    configurationErrors++;
    continue;
  }
  if (limits.minRps !== undefined) {
    checks.push({ name: `${name} throughput (calls/s)`, value: s.rps, op: ">=", limit: limits.minRps });
  }
  if (limits.maxP99Ms !== undefined) {
    checks.push({ name: `${name} p99 latency (ms)`, value: s.p99Ms, op: "<=", limit: limits.maxP99Ms });
  }
  if (limits.maxErrorRatio !== undefined) {
    checks.push({ name: `${name} error ratio`, value: s.errorRatio, op: "<=", limit: limits.maxErrorRatio });
  }
  if (limits.minRpsVsBaseline !== undefined) {
    const { baseline, ratio } = limits.minRpsVsBaseline;
    const base = byName.get(baseline);
    if (!base) {
      console.error(`FAIL ${name}: baseline scenario "${baseline}" is not in the summary`);
      configurationErrors++;
    } else {
      checks.push({
        name: `${name} rps / ${baseline} rps`,
        value: s.rps / base.rps,
        op: ">=",
        limit: ratio,
      });
    }
  }
}

let failed = configurationErrors;
for (const c of checks) {
  // A missing figure (NaN is written to JSON as null, and null <= limit is true in JS) never passes.
  const measured = typeof c.value === "number" && Number.isFinite(c.value);
  const pass = measured && (c.op === ">=" ? c.value >= c.limit : c.value <= c.limit);
  if (!pass) failed++;
  console.log(`${pass ? "ok  " : "FAIL"} ${c.name}: ${Number(c.value).toFixed(3)} (must be ${c.op} ${c.limit})`);
}
if (checks.length === 0) {
  console.error("no checks: the thresholds name no scenario of the summary");
  failed++;
}
console.log(`load-test: ${checks.length + configurationErrors - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
