// Readiness of each database, kept in one place so that /readyz and grpc.health.v1.Health tell the same
// story at the same moment. Two inputs: the circuit breaker (its transitions apply at once: open = not
// ready) and a check every intervalMs. The check borrows a connection only if one is free right now
// (ifAvailable: it never queues behind callers, so it cannot wait on a stuck slot) and validates it; a pool
// whose connections are all lent is in use, so the database is taken as answering. The check goes through
// the circuit: while open it does not touch the database, and once the probe is due the check is the probe,
// so a database comes back even when no client calls.
import type { CircuitStateName } from "./circuit-breaker.js";
import type { Database } from "./database-registry.js";
import { DbError } from "./errors.js";

export interface DatabaseReadiness {
  database: string;
  ready: boolean;
  circuit: CircuitStateName;
  /** Why it is not ready (never internals: a kind or a short phrase). */
  reason?: string;
  /** When the last check finished (epoch ms) and how long it took. */
  checkedAt?: number;
  latencyMs?: number;
}

export interface DatabaseHealthOptions {
  databases: Database[];
  intervalMs: number;
  timeoutMs: number;
}

const HEALTH_HOLDER = { rpc: "health-check" };

export class DatabaseHealth {
  private readonly states = new Map<string, DatabaseReadiness>();
  private readonly listeners = new Set<(state: DatabaseReadiness) => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: DatabaseHealthOptions) {
    for (const db of options.databases) {
      this.states.set(db.name, { database: db.name, ready: false, circuit: "closed", reason: "not checked yet" });
      if (db.circuit) {
        this.unsubscribe.push(db.circuit.onStateChange((circuit) => this.onCircuit(db.name, circuit)));
      }
    }
  }

  /** Runs the first check now and then every intervalMs; resolves when the first round is done. */
  start(): Promise<void> {
    const first = this.checkAll();
    this.running = first;
    return first;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const off of this.unsubscribe.splice(0)) off();
  }

  all(): DatabaseReadiness[] {
    return [...this.states.values()].map((s) => ({ ...s }));
  }

  get(database: string): DatabaseReadiness | undefined {
    const state = this.states.get(database);
    return state ? { ...state } : undefined;
  }

  onChange(listener: (state: DatabaseReadiness) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits for the check in progress (tests and start-up). */
  async settled(): Promise<void> {
    await this.running;
  }

  private async checkAll(): Promise<void> {
    await Promise.all(this.options.databases.map((db) => this.check(db)));
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.checkAll();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async check(db: Database): Promise<void> {
    const started = performance.now();
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let ready = true;
    let reason: string | undefined;
    try {
      const lease = await db.pool.acquire(HEALTH_HOLDER, signal, { ifAvailable: true, validate: true });
      await lease.release();
    } catch (error) {
      if (error instanceof DbError && error.kind === "resource_exhausted" && !signal.aborted) {
        // Every connection is lent out: the database is busy answering others. The circuit has the last word.
      } else {
        ready = false;
        reason = signal.aborted
          ? `no answer within ${this.options.timeoutMs} ms`
          : error instanceof DbError
            ? error.kind === "unavailable" && db.circuit && db.circuit.state !== "closed"
              ? "circuit open"
              : error.kind
            : "check failed";
      }
    }
    if (this.stopped) return;
    const circuit = db.circuit?.state ?? "closed";
    if (circuit !== "closed") {
      ready = false;
      reason ??= "circuit open";
    }
    this.update(db.name, {
      ready,
      circuit,
      ...(reason === undefined ? {} : { reason }),
      checkedAt: Date.now(),
      latencyMs: Math.round(performance.now() - started),
    });
  }

  /** A breaker transition applies at once, between checks. */
  private onCircuit(database: string, circuit: CircuitStateName): void {
    const previous = this.states.get(database);
    if (!previous || this.stopped) return;
    if (circuit === "closed") {
      // The probe that closed it reached the database.
      this.update(database, { ...previous, ready: true, circuit, reason: undefined });
    } else {
      this.update(database, { ...previous, ready: false, circuit, reason: "circuit open" });
    }
  }

  private update(database: string, next: Omit<DatabaseReadiness, "database"> & { reason?: string | undefined }): void {
    const previous = this.states.get(database);
    const state: DatabaseReadiness = { database, ready: next.ready, circuit: next.circuit };
    if (next.reason !== undefined) state.reason = next.reason;
    if (next.checkedAt !== undefined) state.checkedAt = next.checkedAt;
    if (next.latencyMs !== undefined) state.latencyMs = next.latencyMs;
    this.states.set(database, state);
    if (previous?.ready !== state.ready || previous?.circuit !== state.circuit) {
      for (const listener of [...this.listeners]) listener({ ...state });
    }
  }
}
