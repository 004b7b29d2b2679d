// Every metric a dashboard panel or an alert/recording rule names must be exported by the running proxy (its live
// /metrics, given as argv[2]), be a recording rule of alerts/, or be on the short list of series other components
// export. Prints one line per expression checked and a closing count; exits 1 on any unknown name.
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";

const exposition = readFileSync(process.argv[2], "utf8");
const live = new Set();
for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
  live.add(name);
  if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) live.add(name + suffix);
}
// Series that reach Prometheus from elsewhere, each with where it comes from.
const ELSEWHERE = {
  up: "Prometheus, per scrape target",
  informix_archive_last_status: "pushed by the archive job (infra/src/constructs/archive-document.ts)",
  informix_archive_last_success_timestamp_seconds: "pushed by the archive job",
  proxy_circuit_state: "the circuit breaker (issue 10, pool branch): not on main yet",
  proxy_rate_limited_total: "the rate limiter (issue 10, sqlite branch): not on main yet",
};
const ruleFiles = readdirSync("alerts").filter((f) => f.endsWith(".yml"));
const rules = ruleFiles.flatMap((f) => parse(readFileSync(`alerts/${f}`, "utf8")).groups.flatMap((g) => g.rules));
const recorded = new Set(rules.filter((r) => r.record).map((r) => r.record));

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "bool",
  "offset",
  "inf",
  "nan",
  "group_left",
  "group_right",
]);
function metricNames(expr) {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\$__\w+|\$\w+/g, "");
  const names = [];
  for (const m of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = text.slice(m.index + m[0].length).trimStart();
    if (after.startsWith("(") || KEYWORDS.has(m[0].toLowerCase())) continue;
    if (/^\d/.test(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}

const expressions = [
  ...rules.map((r) => ({ where: `alerts: ${r.alert ?? r.record}`, expr: r.expr })),
  ...readdirSync("dashboards")
    .filter((f) => f.endsWith(".json"))
    .flatMap((f) =>
      JSON.parse(readFileSync(`dashboards/${f}`, "utf8")).panels.flatMap((p) =>
        (p.targets ?? []).map((t) => ({ where: `${f}: ${p.title}`, expr: t.expr })),
      ),
    ),
];
let passed = 0;
let failed = 0;
for (const { where, expr } of expressions) {
  const unknown = metricNames(expr).filter((n) => !live.has(n) && !recorded.has(n) && !(n in ELSEWHERE));
  if (unknown.length === 0) passed++;
  else {
    failed++;
    console.log(`FAIL ${where}: not exported by the proxy: ${[...new Set(unknown)].join(", ")}`);
  }
}
for (const [name, source] of Object.entries(ELSEWHERE)) console.log(`note: ${name} comes from ${source}`);
console.log(`metric names: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
