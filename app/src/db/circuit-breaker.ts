// One circuit breaker per database (cockatiel). It opens on consecutive connection failures or on a failure
// ratio in a sliding window, counting only what says "the database is not there": connections refused or
// lost, connections abandoned after an unanswered cancel (a frozen or partitioned server), acquire timeouts
// while a connect or validation hung. SQL errors (syntax, constraints, ...) are the database answering and do
// not count. While open, calls fail at once with UNAVAILABLE and RetryInfo (the milliseconds until the
// half-open probe) without touching the database; after halfOpenAfterMs one call at a time is let through
// as the probe, and the others keep failing fast until it has settled.
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type IBreaker,
  SamplingBreaker,
} from "cockatiel";
import type { Logger } from "pino";
import type { CircuitBreakerConfig } from "../config/schema.js";
import { DbError } from "./errors.js";
import { AcquireTimeoutError } from "./pool.js";

export type CircuitStateName = "closed" | "half_open" | "open";

/** The value of the proxy_circuit_state gauge. */
export const CIRCUIT_STATE_VALUE: Record<CircuitStateName, number> = { closed: 0, half_open: 1, open: 2 };

/** Retry hint while the probe is out: it settles within a connect or a validation. */
const HALF_OPEN_RETRY_MS = 250;

export class CircuitOpenError extends DbError {
  constructor(
    database: string,
    readonly retryAfterMs: number,
  ) {
    super(
      "unavailable",
      `database "${database}" is unavailable: its circuit breaker is open after repeated connection failures; retry in ${retryAfterMs} ms`,
      { retryDelayMs: retryAfterMs },
    );
  }
}

/** Failures that say the database is unreachable, as opposed to the database answering with an error. */
export function isUnreachableSignal(error: unknown): boolean {
  if (error instanceof CircuitOpenError) return false;
  if (error instanceof AcquireTimeoutError) return error.suspectsDatabase;
  if (!(error instanceof DbError)) return false;
  return error.connectionBroken || error.kind === "unavailable" || error.kind === "authentication_failed";
}

/** Opens when either breaker says so: n failures in a row, or a failure ratio over the window. */
class EitherBreaker implements IBreaker {
  constructor(private readonly breakers: IBreaker[]) {}

  get state(): unknown {
    return this.breakers.map((b) => b.state);
  }

  set state(value: unknown) {
    (value as unknown[]).forEach((s, i) => {
      (this.breakers[i] as IBreaker).state = s;
    });
  }

  success(state: CircuitState): void {
    for (const breaker of this.breakers) breaker.success(state);
  }

  failure(state: CircuitState): boolean {
    let open = false;
    for (const breaker of this.breakers) open = breaker.failure(state) || open;
    return open;
  }
}

export interface DatabaseCircuitOptions {
  database: string;
  config: CircuitBreakerConfig;
  logger: Logger;
}

export class DatabaseCircuit {
  readonly database: string;
  private readonly enabled: boolean;
  private readonly halfOpenAfterMs: number;
  private readonly policy: CircuitBreakerPolicy;
  private readonly logger: Logger;
  private openedAt = 0;
  private current: CircuitStateName = "closed";
  private readonly listeners = new Set<(state: CircuitStateName) => void>();

  constructor(options: DatabaseCircuitOptions) {
    const { config } = options;
    this.database = options.database;
    this.enabled = config.enabled;
    this.halfOpenAfterMs = config.halfOpenAfterMs;
    this.logger = options.logger;
    this.policy = circuitBreaker(handleWhen(isUnreachableSignal), {
      halfOpenAfter: config.halfOpenAfterMs,
      breaker: new EitherBreaker([
        new ConsecutiveBreaker(config.consecutiveFailures),
        new SamplingBreaker({
          threshold: config.failureRatio,
          duration: config.windowMs,
          minimumRps: config.minimumRps,
        }),
      ]),
    });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
    this.policy.onStateChange((state) => this.transition(state));
  }

  get state(): CircuitStateName {
    return this.current;
  }

  /** Milliseconds until the next probe may run (0 when it may run now); a short hint while one is out. */
  retryAfterMs(): number {
    if (this.current === "half_open") return HALF_OPEN_RETRY_MS;
    if (this.current !== "open") return 0;
    return Math.max(0, this.openedAt + this.halfOpenAfterMs - Date.now());
  }

  /** Connections nobody waits for (minIdle) may be opened only while the circuit is closed. */
  allowsBackgroundConnects(): boolean {
    return this.current === "closed";
  }

  onStateChange(listener: (state: CircuitStateName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs fn unless the circuit is open (then rejects with CircuitOpenError at once). fn learns whether it is the
   * half-open probe, so it can make sure it really reaches the database (validate instead of trusting an idle
   * connection).
   */
  async run<T>(fn: (probe: boolean) => Promise<T>): Promise<T> {
    if (!this.enabled) return await fn(false);
    if (this.current === "half_open" || (this.current === "open" && this.retryAfterMs() > 0)) {
      throw new CircuitOpenError(this.database, Math.max(1, this.retryAfterMs()));
    }
    try {
      // cockatiel still reports Open while it starts the probe, Closed for every other call it lets through.
      return await this.policy.execute(() => fn(this.policy.state !== CircuitState.Closed));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new CircuitOpenError(this.database, Math.max(1, this.retryAfterMs()));
      }
      throw error;
    }
  }

  /**
   * Like run, but while closed only fn's failures count, not its successes: for work that may not reach the
   * database at all (a pool lending an idle connection proves nothing). While open it fails fast, and the
   * probe is run as run() does, counted both ways.
   */
  async guard<T>(fn: (probe: boolean) => Promise<T>): Promise<T> {
    if (!this.enabled) return await fn(false);
    if (this.current !== "closed") return await this.run(fn);
    try {
      return await fn(false);
    } catch (error) {
      await this.recordFailure(error);
      throw error;
    }
  }

  /** Counts a failure seen outside run (a stream's read losing its connection); only while closed. */
  async recordFailure(error: unknown): Promise<void> {
    if (!this.enabled || this.current !== "closed" || !isUnreachableSignal(error)) return;
    await this.policy.execute(() => Promise.reject(error)).catch(() => {});
  }

  private transition(state: CircuitState): void {
    const next: CircuitStateName =
      state === CircuitState.Closed ? "closed" : state === CircuitState.HalfOpen ? "half_open" : "open";
    if (next === this.current) return;
    const from = this.current;
    this.current = next;
    const last = this.policy.lastFailure;
    const reason = last && "error" in last ? (last.error as Error).message : undefined;
    const fields = { database: this.database, from, to: next, ...(next === "open" ? { reason } : {}) };
    if (next === "open") {
      this.logger.warn({ ...fields, halfOpenAfterMs: this.halfOpenAfterMs }, "circuit breaker open");
    } else if (next === "half_open") {
      this.logger.info(fields, "circuit breaker half-open: probing the database");
    } else {
      this.logger.info(fields, "circuit breaker closed: the database answers again");
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch (error) {
        this.logger.error({ database: this.database, err: error }, "circuit state listener failed");
      }
    }
  }
}
