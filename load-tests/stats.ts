// One scenario's numbers in the summary, from a ghz JSON report or from latencies measured in-process.
// Percentiles use ghz's nearest-rank rule, so both kinds of scenario are computed the same way.

export interface ScenarioStats {
  /** Calls made, errors included. */
  count: number;
  errors: number;
  errorRatio: number;
  /** count / wall time of the run, as ghz reports it. */
  rps: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** The subset of ghz's JSON report (--format json) read here; latencies are in nanoseconds. */
export interface GhzReport {
  count: number;
  total: number;
  average: number;
  rps: number;
  statusCodeDistribution?: Record<string, number>;
  errorDistribution?: Record<string, number> | null;
  latencyDistribution?: { percentage: number; latency: number }[] | null;
}

const NS_PER_MS = 1e6;

export function statsFromGhz(report: GhzReport): ScenarioStats {
  const percentile = (p: number) => {
    const entry = (report.latencyDistribution ?? []).find((d) => d.percentage === p);
    return entry ? entry.latency / NS_PER_MS : Number.NaN;
  };
  const ok = report.statusCodeDistribution?.OK ?? 0;
  const errors = report.count - ok;
  return {
    count: report.count,
    errors,
    errorRatio: report.count > 0 ? errors / report.count : 1,
    rps: report.rps,
    meanMs: report.average / NS_PER_MS,
    p50Ms: percentile(50),
    p95Ms: percentile(95),
    p99Ms: percentile(99),
  };
}

/** Nearest rank over sorted values, the index rule ghz's reporter uses. */
export function nearestRank(sorted: readonly number[], percentage: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (percentage / 100) * sorted.length;
  let index = Math.floor(position);
  if (position === index) index -= 1;
  return sorted[Math.max(0, index)] as number;
}

export function statsFromLatencies(latenciesMs: number[], errors: number, wallMs: number): ScenarioStats {
  const count = latenciesMs.length + errors;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count,
    errors,
    errorRatio: count > 0 ? errors / count : 1,
    rps: wallMs > 0 ? count / (wallMs / 1000) : 0,
    meanMs: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    p50Ms: nearestRank(sorted, 50),
    p95Ms: nearestRank(sorted, 95),
    p99Ms: nearestRank(sorted, 99),
  };
}
