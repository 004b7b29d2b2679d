// Every dashboard query must name only metrics the proxy (or Prometheus itself) exports.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Panel = { title: string; targets: { expr: string }[] };
const dashboard = JSON.parse(
  readFileSync(new URL("../../dashboards/informix-grpc-proxy.json", import.meta.url), "utf8"),
) as {
  panels: Panel[];
};

/** The metric contract of the proxy (DESIGN.md and the deployment brief), plus histogram series and `up`. */
const HISTOGRAMS = ["grpc_server_handling_seconds", "db_pool_acquire_seconds", "db_statement_duration_seconds"];
const KNOWN = new Set([
  "up",
  "grpc_server_started_total",
  "grpc_server_handled_total",
  "db_pool_connections",
  "db_pool_max_connections",
  "db_pool_acquire_timeouts_total",
  "db_pool_leaks_total",
  "proxy_sessions_active",
  "nodejs_heap_size_used_bytes",
  "nodejs_heap_size_total_bytes",
  "nodejs_heap_size_limit_bytes",
  "process_cpu_seconds_total",
  "process_resident_memory_bytes",
  ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]),
]);

const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

describe("Grafana dashboard", () => {
  it("has panels with queries", () => {
    expect(queries.length).toBeGreaterThan(8);
  });

  it.each(queries.map((q) => [q.panel, q.expr] as const))(
    "%s: queries known metrics of the proxy's job",
    (_panel, expr) => {
      const metrics = [...expr.matchAll(/([a-z_:][a-z0-9_:]*)\{/g)].map((m) => m[1]);
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics) expect(KNOWN, metric).toContain(metric);
      expect(expr).toContain('job="informix-grpc-proxy"');
    },
  );
});
