// A connection pool with HikariCP's guarantees: bounded size, FIFO-fair waiting with an acquire timeout,
// validation on borrow after idleness, retirement by age and idleness, minIdle kept warm, broken
// connections destroyed, leak detection, and an orderly close. And one more, learnt from a database killed
// under load: the pool cannot lose a connection.
//
// Stated guarantees (pool.test.ts and the fault tests hold it to them):
// - Every connection is in exactly one place of the books: being created, idle, being handed out, or lent.
//   stats().total counts them; nothing else is open to the database on the pool's behalf except
//   connections being closed, whose close is bounded by the driver.
// - A connection the driver reports lost (Connection.onLost: socket error or close, server termination,
//   abandoned after an unanswered cancel) leaves the books at once, wherever it is: idle, being validated,
//   lent, mid-cursor or mid-cancel. A lent one ends its lease there and then; the holder's in-flight statement
//   has already been rejected by the driver, and its later release() is a no-op. Its slot serves the next
//   waiter.
// - No wait on a connection is unbounded: validation has validationTimeoutMs, the rollback of a transaction
//   left open on release has validationTimeoutMs, closing never blocks lending.
// - A lease held past leakDetectionThresholdMs is reported once; past leakReclaimAfterMs (when set) it is taken
//   back: its connection is closed under the holder.
// - Background connects (minIdle top-up) happen only while mayOpenInBackground() allows them (the circuit
//   breaker's closed state); connects on behalf of a waiter are the waiter's own.
import type { Logger } from "pino";
import type { PoolConfig } from "../config/schema.js";
import type { Connection } from "./driver.js";
import { DbError } from "./errors.js";
import type { AcquireOptions, Lease, LeaseHolder, Pool, PoolObserver, PoolStats } from "./pool-types.js";

/** A connection idle for longer than this is validated before it is lent (HikariCP's aliveBypassWindow). */
export const VALIDATE_AFTER_IDLE_MS = 5000;

export interface ConnectionPoolOptions {
  database: string;
  config: PoolConfig;
  connect: () => Promise<Connection>;
  logger: Logger;
  observer?: PoolObserver;
  /** How often idle and aged connections are retired and minIdle topped up. */
  maintenanceIntervalMs?: number;
  validateAfterIdleMs?: number;
  /** Whether connections nobody is waiting for may be opened now (minIdle); default always. */
  mayOpenInBackground?: () => boolean;
  /** A connect nobody waited for failed (a waiter's own failure reaches the waiter instead). */
  backgroundConnectFailed?: (error: unknown) => void;
}

/**
 * The acquire timeout. suspectsDatabase is true when a connect or a validation was still pending when it
 * fired and the database showed no sign of life (no connect completed, no validation passed, no healthy
 * connection came back) while the caller waited: the caller is told UNAVAILABLE (retriable) rather than
 * that the pool is exhausted. False when the pool was simply busy (load, or slow connects under load).
 */
export class AcquireTimeoutError extends DbError {
  constructor(
    message: string,
    readonly suspectsDatabase: boolean,
  ) {
    super(suspectsDatabase ? "unavailable" : "resource_exhausted", message);
  }
}

type Place = "idle" | "handing-out" | "lent" | "gone";

interface Pooled {
  connection: Connection;
  createdAt: number;
  /** When it last became idle. */
  idleSince: number;
  place: Place;
  lease: PoolLease | undefined;
  stopWatching: () => void;
}

interface Waiter {
  holder: LeaseHolder;
  enqueuedAt: number;
  settled: boolean;
  validate: boolean;
  resolve(lease: Lease): void;
  reject(error: unknown): void;
  cleanup(): void;
}

class PoolLease implements Lease {
  /** Set once the lease is over: released by the holder, or ended by the pool (lost, reclaimed, shutdown). */
  ended = false;
  leakTimer: NodeJS.Timeout | undefined;
  reclaimTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly pooled: Pooled,
    readonly holder: LeaseHolder,
    private readonly giveBack: (lease: PoolLease, destroy: boolean) => Promise<void>,
  ) {}

  get connection(): Connection {
    return this.pooled.connection;
  }

  end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    clearTimeout(this.leakTimer);
    clearTimeout(this.reclaimTimer);
    return true;
  }

  async release(options: { destroy?: boolean } = {}): Promise<void> {
    if (!this.end()) return;
    await this.giveBack(this, options.destroy ?? false);
  }
}

export class ConnectionPool implements Pool {
  readonly database: string;
  private readonly config: PoolConfig;
  private readonly connectFn: () => Promise<Connection>;
  private readonly logger: Logger;
  private readonly observer: PoolObserver | undefined;
  private readonly validateAfterIdleMs: number;
  private readonly mayOpenInBackground: () => boolean;
  private readonly backgroundConnectFailed: (error: unknown) => void;

  private readonly idle: Pooled[] = [];
  private readonly leased = new Set<PoolLease>();
  /** Taken from idle or just created, being validated or handed to a waiter. */
  private handingOut = 0;
  private creating = 0;
  private readonly waiters: Waiter[] = [];
  /** Closes in progress, awaited by shutdown. */
  private readonly closes = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;
  /** performance.now() of the last proof that the database answers (connect, validation, healthy return). */
  private lastSignOfLife = Number.NEGATIVE_INFINITY;
  private readonly maintenance: NodeJS.Timeout;
  private activeDrained: (() => void) | undefined;

  constructor(options: ConnectionPoolOptions) {
    this.database = options.database;
    this.config = options.config;
    this.connectFn = options.connect;
    this.logger = options.logger;
    this.observer = options.observer;
    this.validateAfterIdleMs = options.validateAfterIdleMs ?? VALIDATE_AFTER_IDLE_MS;
    this.mayOpenInBackground = options.mayOpenInBackground ?? (() => true);
    this.backgroundConnectFailed = options.backgroundConnectFailed ?? (() => {});
    const interval =
      options.maintenanceIntervalMs ?? Math.min(30_000, Math.max(1000, Math.floor(this.config.idleTimeoutMs / 2)));
    this.maintenance = setInterval(() => this.maintain(), interval);
    this.maintenance.unref();
    this.topUpMinIdle();
  }

  stats(): PoolStats {
    const active = this.leased.size + this.handingOut;
    return {
      active,
      idle: this.idle.length,
      pending: this.waiters.length,
      total: active + this.idle.length + this.creating,
      max: this.config.max,
    };
  }

  acquire(holder: LeaseHolder, signal?: AbortSignal, options: AcquireOptions = {}): Promise<Lease> {
    if (this.closing)
      return Promise.reject(new DbError("unavailable", `database "${this.database}": the connection pool is closed`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (options.ifAvailable && !this.availableNow()) {
      return Promise.reject(
        new DbError("resource_exhausted", `database "${this.database}": every connection is in use`),
      );
    }
    return new Promise<Lease>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (waiter.settled) return;
        this.removeWaiter(waiter);
        this.observer?.acquireTimedOut();
        const s = this.stats();
        waiter.reject(
          (this.creating > 0 || this.handingOut > 0) && this.lastSignOfLife < waiter.enqueuedAt
            ? new AcquireTimeoutError(
                `database "${this.database}": no answer to a new or validated connection within ${this.config.acquireTimeoutMs} ms`,
                true,
              )
            : new AcquireTimeoutError(
                `database "${this.database}": no connection available within ${this.config.acquireTimeoutMs} ms (pool size ${this.config.max}, ${s.active} in use, ${s.pending} waiting)`,
                false,
              ),
        );
      }, this.config.acquireTimeoutMs);
      const onAbort = () => {
        if (waiter.settled) return;
        this.removeWaiter(waiter);
        waiter.reject(signal?.reason);
      };
      const waiter: Waiter = {
        holder,
        enqueuedAt: performance.now(),
        settled: false,
        validate: options.validate === true,
        resolve: (lease) => {
          waiter.settled = true;
          waiter.cleanup();
          resolve(lease);
        },
        reject: (error) => {
          waiter.settled = true;
          waiter.cleanup();
          reject(error);
        },
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /** Rejects every caller waiting for a connection now (the circuit breaker opened: they would wait in vain). */
  rejectWaiters(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  close(timeoutMs = 30_000): Promise<void> {
    this.closing ??= this.shutdown(timeoutMs);
    return this.closing;
  }

  // --- lending -------------------------------------------------------------------------------------

  /** Something can be lent without queueing: an idle connection, or room for one connect (not a second one
   * behind a connect that is still pending, which would pile hung connects onto a frozen server). */
  private availableNow(): boolean {
    if (this.waiters.length > 0) return false;
    return this.idle.length > 0 || (this.creating === 0 && this.stats().total < this.config.max);
  }

  /** Serves waiters in arrival order: idle connections first, then new ones up to max. */
  private dispatch(): void {
    while (this.waiters.length > 0 && this.idle.length > 0 && !this.closing) {
      const waiter = this.waiters.shift() as Waiter;
      // Most recently used first: it is the likeliest to be alive and warm.
      const pooled = this.idle.pop() as Pooled;
      pooled.place = "handing-out";
      this.handingOut += 1;
      void this.handOut(pooled, waiter);
    }
    while (!this.closing && this.waiters.length > this.creating && this.stats().total < this.config.max) {
      void this.create();
    }
  }

  private async handOut(pooled: Pooled, waiter: Waiter): Promise<void> {
    let usable = this.alive(pooled) && !this.expired(pooled, Date.now());
    const idleFor = Date.now() - pooled.idleSince;
    if (usable && (waiter.validate || (this.config.validateOnBorrow && idleFor > this.validateAfterIdleMs))) {
      usable = await this.validate(pooled);
    }
    this.handingOut -= 1;
    if (pooled.place === "gone") {
      // Lost while we validated: the loss handler already took it off the books.
      if (!waiter.settled) this.waiters.unshift(waiter);
      this.dispatch();
      return;
    }
    if (!usable || !this.alive(pooled)) {
      this.destroy(pooled, "failed validation or expired");
      // The waiter keeps its place at the head of the line.
      if (!waiter.settled) this.waiters.unshift(waiter);
      this.dispatch();
      return;
    }
    if (this.closing) {
      this.destroy(pooled, "pool closing");
      this.checkDrained();
      return;
    }
    if (waiter.settled) {
      // Timed out or aborted while we validated: the connection goes back for the next one.
      this.returnToIdle(pooled);
      return;
    }
    this.lend(pooled, waiter);
  }

  private lend(pooled: Pooled, waiter: Waiter): void {
    const lease = new PoolLease(pooled, waiter.holder, (l, destroy) => this.giveBack(l, destroy));
    pooled.place = "lent";
    pooled.lease = lease;
    this.leased.add(lease);
    const threshold = this.config.leakDetectionThresholdMs;
    if (threshold > 0) {
      lease.leakTimer = setTimeout(() => this.reportLeak(lease, threshold), threshold);
      lease.leakTimer.unref();
    }
    const reclaimAfter = this.config.leakReclaimAfterMs;
    if (reclaimAfter > 0) {
      lease.reclaimTimer = setTimeout(() => this.reclaim(lease, reclaimAfter), reclaimAfter);
      lease.reclaimTimer.unref();
    }
    this.observer?.acquired((performance.now() - waiter.enqueuedAt) / 1000);
    waiter.resolve(lease);
  }

  private reportLeak(lease: PoolLease, thresholdMs: number): void {
    const { rpc, sessionId, caller } = lease.holder;
    this.logger.warn(
      { database: this.database, rpc, sessionId, caller, connectionId: lease.connection.id, thresholdMs },
      "connection held longer than the leak detection threshold (possible leak)",
    );
    this.observer?.leakDetected(lease.holder);
  }

  /** Takes back a lease held past the hard limit: the holder's statement, if any, fails as unavailable. */
  private reclaim(lease: PoolLease, limitMs: number): void {
    if (!lease.end() || !this.leased.delete(lease)) return;
    const { rpc, sessionId, caller } = lease.holder;
    this.logger.warn(
      { database: this.database, rpc, sessionId, caller, connectionId: lease.connection.id, limitMs },
      "connection held past leakReclaimAfterMs: reclaimed and closed",
    );
    this.observer?.leakReclaimed?.(lease.holder);
    this.destroy(lease.pooled, "reclaimed from its holder");
    this.checkDrained();
    this.dispatch();
  }

  private async validate(pooled: Pooled): Promise<boolean> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DbError("timeout", "validation timed out"));
      }, this.config.validationTimeoutMs);
    });
    try {
      await Promise.race([pooled.connection.validate(controller.signal), timeout]);
      this.lastSignOfLife = performance.now();
      return true;
    } catch (error) {
      this.logger.warn(
        { database: this.database, connectionId: pooled.connection.id, err: (error as Error).message },
        "connection failed validation",
      );
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async create(): Promise<void> {
    this.creating += 1;
    let connection: Connection;
    try {
      connection = await this.connectFn();
    } catch (error) {
      this.creating -= 1;
      this.logger.warn(
        { database: this.database, err: (error as Error).message },
        "could not open a database connection",
      );
      const failure =
        error instanceof DbError
          ? error
          : new DbError("unavailable", `database "${this.database}": ${(error as Error).message}`, { cause: error });
      // The first in line learns why now instead of at its timeout (database down, bad credentials).
      const waiter = this.waiters.shift();
      if (waiter) waiter.reject(failure);
      else this.backgroundConnectFailed(failure);
      // The others in line must not wait for a connect nobody makes: each gets its own attempt.
      this.dispatch();
      return;
    }
    this.creating -= 1;
    this.lastSignOfLife = performance.now();
    this.observer?.connectionCreated();
    const now = Date.now();
    const pooled: Pooled = {
      connection,
      createdAt: now,
      idleSince: now,
      place: "idle",
      lease: undefined,
      stopWatching: () => {},
    };
    pooled.stopWatching = connection.onLost?.((reason) => this.onLost(pooled, reason)) ?? (() => {});
    if (this.closing) {
      this.destroy(pooled, "pool closing");
      return;
    }
    if (!this.alive(pooled)) {
      // Lost between its creation and now: it never enters the books.
      this.destroy(pooled, "lost before use");
      this.dispatch();
      return;
    }
    this.idle.push(pooled);
    this.dispatch();
  }

  /** The driver says the connection is gone: take it off the books wherever it is. */
  private onLost(pooled: Pooled, reason: DbError): void {
    const place = pooled.place;
    if (place === "gone") return;
    this.logger.debug(
      { database: this.database, connectionId: pooled.connection.id, place, err: reason.message },
      "pooled connection lost",
    );
    if (place === "idle") {
      const index = this.idle.indexOf(pooled);
      if (index >= 0) this.idle.splice(index, 1);
    } else if (place === "lent") {
      const lease = pooled.lease;
      if (lease?.end()) this.leased.delete(lease);
    }
    // "handing-out": handOut sees place "gone" when its validation settles (the driver rejects it now).
    this.observer?.connectionLost?.(reason, place === "lent");
    this.destroy(pooled, "lost");
    this.checkDrained();
    this.dispatch();
    this.topUpMinIdle();
  }

  private alive(pooled: Pooled): boolean {
    return pooled.place !== "gone" && !pooled.connection.broken;
  }

  // --- returning -----------------------------------------------------------------------------------

  private async giveBack(lease: PoolLease, destroy: boolean): Promise<void> {
    // Not lent any more: the pool already ended it (lost, reclaimed, closed at shutdown).
    if (!this.leased.delete(lease)) return;
    const pooled = lease.pooled;
    let reason: string | undefined;
    if (destroy) reason = "released with destroy";
    else if (!this.alive(pooled)) reason = "broken";
    else if (this.closing) reason = "pool closing";
    else if (this.expired(pooled, Date.now())) reason = "max lifetime reached";
    if (!reason && pooled.connection.inTransaction) {
      // A transaction left open must not leak into the next borrower. Counted as lent meanwhile.
      this.handingOut += 1;
      pooled.place = "handing-out";
      const rolledBack = await this.bounded(pooled.connection.rollback(), this.config.validationTimeoutMs);
      this.handingOut -= 1;
      // The loss handler may have run while we awaited the rollback.
      if ((pooled.place as Place) === "gone") {
        this.checkDrained();
        this.dispatch();
        return;
      }
      if (!rolledBack) reason = "rollback on release failed";
    }
    if (reason) {
      this.destroy(pooled, reason);
      this.dispatch();
    } else {
      this.lastSignOfLife = performance.now();
      this.returnToIdle(pooled);
    }
    this.checkDrained();
  }

  private returnToIdle(pooled: Pooled): void {
    pooled.place = "idle";
    pooled.lease = undefined;
    pooled.idleSince = Date.now();
    this.idle.push(pooled);
    this.dispatch();
  }

  /** Takes the connection off the books now and closes it in the background (the driver bounds the close). */
  private destroy(pooled: Pooled, reason: string): void {
    if (pooled.place === "gone") return;
    pooled.place = "gone";
    pooled.lease = undefined;
    pooled.stopWatching();
    this.logger.debug(
      { database: this.database, connectionId: pooled.connection.id, reason },
      "closing pooled connection",
    );
    this.observer?.connectionClosed();
    const closed = pooled.connection.close().catch((error: unknown) => {
      this.logger.debug(
        { database: this.database, connectionId: pooled.connection.id, err: (error as Error).message },
        "error while closing a connection",
      );
    });
    this.closes.add(closed);
    void closed.finally(() => this.closes.delete(closed));
  }

  /** Resolves true when work settled in time and succeeded. */
  private async bounded(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([work.then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private removeWaiter(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  // --- housekeeping --------------------------------------------------------------------------------

  private expired(pooled: Pooled, now: number): boolean {
    return now - pooled.createdAt >= this.config.maxLifetimeMs;
  }

  /** Retires aged connections and those idle too long (above minIdle), then tops up minIdle. */
  private maintain(): void {
    if (this.closing) return;
    const now = Date.now();
    // Oldest-idle first: idle[0] has been waiting longest.
    for (let i = 0; i < this.idle.length; ) {
      const pooled = this.idle[i] as Pooled;
      const idleTooLong = now - pooled.idleSince >= this.config.idleTimeoutMs && this.idle.length > this.config.minIdle;
      if (this.expired(pooled, now) || idleTooLong || !this.alive(pooled)) {
        this.idle.splice(i, 1);
        this.destroy(pooled, idleTooLong ? "idle timeout" : "max lifetime reached or broken");
      } else {
        i += 1;
      }
    }
    this.topUpMinIdle();
  }

  private topUpMinIdle(): void {
    if (this.closing || !this.mayOpenInBackground()) return;
    let wanted = this.config.minIdle - (this.idle.length + this.creating);
    while (wanted > 0 && this.stats().total < this.config.max) {
      void this.create();
      wanted -= 1;
    }
  }

  private checkDrained(): void {
    if (this.activeDrained && this.leased.size === 0 && this.handingOut === 0) this.activeDrained();
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    clearInterval(this.maintenance);
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new DbError("unavailable", `database "${this.database}": the connection pool is closing`));
    }
    for (const pooled of this.idle.splice(0)) this.destroy(pooled, "pool closing");
    if (this.leased.size > 0 || this.handingOut > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          this.activeDrained = resolve;
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      // Whatever is still lent out is closed under its holder: its next statement fails as unavailable.
      const remaining = [...this.leased];
      this.leased.clear();
      if (remaining.length > 0) {
        this.logger.warn(
          { database: this.database, connections: remaining.length },
          "closing connections still in use at pool shutdown",
        );
      }
      for (const lease of remaining) {
        lease.end();
        this.destroy(lease.pooled, "pool close timeout");
      }
    }
    await Promise.all([...this.closes]);
  }
}
