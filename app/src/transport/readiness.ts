// What readiness means, in one place, for both doors: /readyz (http-server.ts) and grpc.health.v1.Health.
// Both read the same DatabaseHealth state, so they never disagree.
// - A database is ready when its last check passed and its circuit breaker is closed.
// - The proxy as a whole (/readyz, gRPC service "" and the SqlService name) is ready when it is not draining
//   and at least one database is: one database down does not take the others off the air. Probes that care
//   about one database ask for it by name (/readyz/<name>, gRPC service <name>).
// Liveness (/healthz) is not here on purpose: it never depends on a database.
import type { HealthImplementation } from "grpc-health-check";
import type { DatabaseHealth, DatabaseReadiness } from "../db/database-health.js";

export interface ReadinessReport {
  ready: boolean;
  status: "ready" | "not ready" | "draining";
  databases: DatabaseReadiness[];
}

export function readinessReport(health: DatabaseHealth, draining: boolean): ReadinessReport {
  const databases = health.all();
  if (draining) return { ready: false, status: "draining", databases };
  const ready = databases.some((d) => d.ready);
  return { ready, status: ready ? "ready" : "not ready", databases };
}

/**
 * Keeps grpc.health.v1.Health in step with DatabaseHealth: the overall names plus one service name per
 * database. refresh() re-applies the state (after draining starts); stop() unsubscribes.
 */
export function syncGrpcHealth(
  grpc: HealthImplementation,
  health: DatabaseHealth,
  overallNames: string[],
  isDraining: () => boolean,
): { refresh(): void; stop(): void } {
  const refresh = () => {
    const draining = isDraining();
    const report = readinessReport(health, draining);
    for (const name of overallNames) grpc.setStatus(name, report.ready ? "SERVING" : "NOT_SERVING");
    for (const db of report.databases) {
      grpc.setStatus(db.database, db.ready && !draining ? "SERVING" : "NOT_SERVING");
    }
  };
  refresh();
  const stop = health.onChange(refresh);
  return { refresh, stop };
}
