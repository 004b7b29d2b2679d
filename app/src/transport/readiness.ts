// Database reachability: each configured database must answer its validation query within a bound.
// Used by /readyz on demand and by a loop that keeps grpc.health.v1.Health in step.
import type { DatabaseRegistry } from "../db/database-registry.js";
import { DbError } from "../db/errors.js";

export interface DatabaseCheck {
  database: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export async function checkDatabases(databases: DatabaseRegistry, timeoutMs: number): Promise<DatabaseCheck[]> {
  return Promise.all(
    databases.all().map(async (db): Promise<DatabaseCheck> => {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const lease = await db.pool.acquire({ rpc: "readiness" }, signal);
        try {
          await lease.connection.validate(signal);
        } finally {
          await lease.release();
        }
        return { database: db.name, ok: true, latencyMs: Math.round(performance.now() - started) };
      } catch (error) {
        const reason = signal.aborted
          ? `no answer within ${timeoutMs} ms`
          : error instanceof DbError
            ? error.kind
            : "check failed";
        return { database: db.name, ok: false, latencyMs: Math.round(performance.now() - started), error: reason };
      }
    }),
  );
}

/** Runs checkDatabases every intervalMs and reports whether all passed. */
export function startReadinessLoop(
  databases: DatabaseRegistry,
  timeoutMs: number,
  intervalMs: number,
  report: (allOk: boolean, checks: DatabaseCheck[]) => void,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const checks = await checkDatabases(databases, timeoutMs);
    if (stopped) return;
    report(
      checks.every((c) => c.ok),
      checks,
    );
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
