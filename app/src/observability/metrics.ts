// Prometheus metrics. gRPC metric names follow go-grpc-prometheus so that existing dashboards and alert
// rules work unchanged; pool and session gauges are collected on scrape from their owners.
import { getHeapStatistics } from "node:v8";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { HealthMetrics } from "./health-metrics.js";

/** prom-client's default gauges whose names end in _total, which promtool refuses for a gauge; the same counts
 * stay available, by type, in nodejs_active_handles, nodejs_active_requests and nodejs_active_resources. */
const GAUGES_NAMED_LIKE_COUNTERS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** What the pool gauges read on scrape. A db/ pool's stats() returns these fields (and more); the shape is declared
 * here so that observability imports nothing from the layers that use it. */
export interface PoolGaugeReading {
  active: number;
  idle: number;
  pending: number;
  max: number;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new Registry();
  readonly grpcStarted: Counter<"grpc_type" | "grpc_service" | "grpc_method">;
  readonly grpcHandled: Counter<"grpc_type" | "grpc_service" | "grpc_method" | "grpc_code">;
  readonly grpcHandlingSeconds: Histogram<"grpc_type" | "grpc_service" | "grpc_method">;
  readonly grpcMsgSent: Counter<"grpc_type" | "grpc_service" | "grpc_method">;
  readonly statementSeconds: Histogram<"database" | "kind">;
  readonly poolAcquireSeconds: Histogram<"database">;
  readonly poolAcquireTimeouts: Counter<"database">;
  readonly poolLeaks: Counter<"database">;
  readonly poolConnectionsCreated: Counter<"database">;
  readonly poolConnectionsClosed: Counter<"database">;
  readonly poolConnectionsLost: Counter<"database" | "state">;
  readonly poolLeaksReclaimed: Counter<"database">;
  readonly sessionsExpired: Counter<string>;
  readonly health: HealthMetrics;
  private readonly poolSources = new Map<string, () => PoolGaugeReading>();
  private readonly circuitSources = new Map<string, () => number>();
  private sessionSource: () => number = () => 0;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) this.registry.removeSingleMetric(name);
    this.health = new HealthMetrics(this.registry);
    new Gauge({
      name: "nodejs_heap_size_limit_bytes",
      help: "V8 heap size limit (the ceiling the heap alert compares against).",
      registers,
      collect() {
        this.set(getHeapStatistics().heap_size_limit);
      },
    });
    this.grpcStarted = new Counter({
      name: "grpc_server_started_total",
      help: "Total number of RPCs started on the server.",
      labelNames: ["grpc_type", "grpc_service", "grpc_method"],
      registers,
    });
    this.grpcHandled = new Counter({
      name: "grpc_server_handled_total",
      help: "Total number of RPCs completed on the server, regardless of success or failure.",
      labelNames: ["grpc_type", "grpc_service", "grpc_method", "grpc_code"],
      registers,
    });
    this.grpcHandlingSeconds = new Histogram({
      name: "grpc_server_handling_seconds",
      help: "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
      labelNames: ["grpc_type", "grpc_service", "grpc_method"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.grpcMsgSent = new Counter({
      name: "grpc_server_msg_sent_total",
      help: "Total number of gRPC stream messages sent by the server.",
      labelNames: ["grpc_type", "grpc_service", "grpc_method"],
      registers,
    });
    this.statementSeconds = new Histogram({
      name: "db_statement_duration_seconds",
      help: "Time statements spent in the database, by database and statement kind.",
      labelNames: ["database", "kind"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.poolAcquireSeconds = new Histogram({
      name: "db_pool_acquire_seconds",
      help: "Time to acquire a pooled connection.",
      labelNames: ["database"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.poolAcquireTimeouts = new Counter({
      name: "db_pool_acquire_timeouts_total",
      help: "Acquire attempts that timed out (RESOURCE_EXHAUSTED).",
      labelNames: ["database"],
      registers,
    });
    this.poolLeaks = new Counter({
      name: "db_pool_leaks_total",
      help: "Leases held longer than the leak detection threshold.",
      labelNames: ["database"],
      registers,
    });
    this.poolConnectionsCreated = new Counter({
      name: "db_pool_connections_created_total",
      help: "Database connections opened.",
      labelNames: ["database"],
      registers,
    });
    this.poolConnectionsClosed = new Counter({
      name: "db_pool_connections_closed_total",
      help: "Database connections closed.",
      labelNames: ["database"],
      registers,
    });
    this.poolConnectionsLost = new Counter({
      name: "db_pool_connections_lost_total",
      help: "Pooled connections the driver reported gone (socket closed or failed, abandoned after an unanswered cancel), by where they were (idle or lent).",
      labelNames: ["database", "state"],
      registers,
    });
    this.poolLeaksReclaimed = new Counter({
      name: "db_pool_leaks_reclaimed_total",
      help: "Leases held past leakReclaimAfterMs, taken back and their connection closed.",
      labelNames: ["database"],
      registers,
    });
    const circuitSources = this.circuitSources;
    new Gauge({
      name: "proxy_circuit_state",
      help: "Circuit breaker state per database: 0 closed, 1 half-open (probing), 2 open (calls fail fast).",
      labelNames: ["database"],
      registers,
      collect() {
        this.reset();
        for (const [database, state] of circuitSources) this.set({ database }, state());
      },
    });
    this.sessionsExpired = new Counter({
      name: "proxy_sessions_expired_total",
      help: "Sessions closed by the idle reaper.",
      registers,
    });
    const poolSources = this.poolSources;
    new Gauge({
      name: "db_pool_connections",
      help: "Pooled connections by state (active, idle, pending = callers waiting).",
      labelNames: ["database", "state"],
      registers,
      collect() {
        this.reset();
        for (const [database, stats] of poolSources) {
          const s = stats();
          this.set({ database, state: "active" }, s.active);
          this.set({ database, state: "idle" }, s.idle);
          this.set({ database, state: "pending" }, s.pending);
        }
      },
    });
    new Gauge({
      name: "db_pool_max_connections",
      help: "Configured maximum pool size.",
      labelNames: ["database"],
      registers,
      collect() {
        this.reset();
        for (const [database, stats] of poolSources) this.set({ database }, stats().max);
      },
    });
    const self = this;
    new Gauge({
      name: "proxy_sessions_active",
      help: "Open sessions.",
      registers,
      collect() {
        this.set(self.sessionSource());
      },
    });
  }

  trackPool(database: string, stats: () => PoolGaugeReading): void {
    this.poolSources.set(database, stats);
  }

  /** state() gives the gauge value: 0 closed, 1 half-open, 2 open. */
  trackCircuit(database: string, state: () => number): void {
    this.circuitSources.set(database, state);
  }

  trackSessions(count: () => number): void {
    this.sessionSource = count;
  }

  /** Counts the pool's events (structurally a db/ PoolObserver, checked where the composition root passes it). */
  poolObserver(database: string) {
    return {
      acquired: (seconds: number) => this.poolAcquireSeconds.observe({ database }, seconds),
      acquireTimedOut: () => this.poolAcquireTimeouts.inc({ database }),
      leakDetected: () => this.poolLeaks.inc({ database }),
      connectionCreated: () => this.poolConnectionsCreated.inc({ database }),
      connectionClosed: () => this.poolConnectionsClosed.inc({ database }),
      connectionLost: (_reason: unknown, wasLent: boolean) =>
        this.poolConnectionsLost.inc({ database, state: wasLent ? "active" : "idle" }),
      leakReclaimed: () => this.poolLeaksReclaimed.inc({ database }),
    };
  }
}
