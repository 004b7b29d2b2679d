// The summary the runner writes (results/summary.json, read by .ci/tools-load-test-check.mjs) and the
// table it prints: every scenario on one line, baselines beside the proxy.
import type { ScenarioStats } from "./stats.js";

export interface ScenarioResult extends ScenarioStats {
  name: string;
  /** "baseline" rows are what the proxy is compared with; "proxy" rows measure the proxy. */
  role: "baseline" | "proxy";
  description: string;
  /** Raw ghz report next to the summary; absent for the in-process pg.Pool baseline. */
  rawReport?: string;
  /** 1-minute load average when the scenario started: shows a busy machine. */
  loadAverageAtStart: number;
  /**
   * CPU time per measured call of the Node process serving the calls (echo, proxy) or issuing them (pg.Pool);
   * a single-threaded process saturates near 1000 / this many calls per second.
   */
  nodeCpuMsPerCall: number;
}

export interface LoadTestSummary {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; platform: string; node: string };
  settings: {
    concurrency: number;
    requests: number;
    warmup: number;
    connections: number;
    pool: number;
    tableRows: number;
    proxyLogLevel: string;
    ghzVersion: string;
  };
  scenarios: ScenarioResult[];
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

export function formatTable(scenarios: readonly ScenarioResult[]): string {
  const header = ["scenario", "rps", "mean ms", "p50 ms", "p95 ms", "p99 ms", "errors", "calls", "node cpu ms/call"];
  const rows = scenarios.map((s) => [
    `${s.name}${s.role === "baseline" ? " (baseline)" : ""}`,
    fixed(s.rps, 0),
    fixed(s.meanMs, 2),
    fixed(s.p50Ms, 2),
    fixed(s.p95Ms, 2),
    fixed(s.p99Ms, 2),
    String(s.errors),
    String(s.count),
    fixed(s.nodeCpuMsPerCall, 3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
