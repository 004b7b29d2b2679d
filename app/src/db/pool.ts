// A connection pool with HikariCP's guarantees: bounded size, FIFO-fair waiting with an acquire timeout,
// validation on borrow after idleness, retirement by age and idleness, minIdle kept warm, broken
// connections destroyed, leak detection, and an orderly close.
import type { Logger } from "pino";
import type { PoolConfig } from "../config/schema.js";
import type { Connection } from "./driver.js";
import { DbError } from "./errors.js";
import type { Lease, LeaseHolder, Pool, PoolObserver, PoolStats } from "./pool-types.js";

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
}

interface Pooled {
  connection: Connection;
  createdAt: number;
  /** When it last became idle. */
  idleSince: number;
}

interface Waiter {
  holder: LeaseHolder;
  enqueuedAt: number;
  settled: boolean;
  resolve(lease: Lease): void;
  reject(error: unknown): void;
  cleanup(): void;
}

class PoolLease implements Lease {
  private released = false;
  leakTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly pooled: Pooled,
    readonly holder: LeaseHolder,
    private readonly giveBack: (lease: PoolLease, destroy: boolean) => Promise<void>,
  ) {}

  get connection(): Connection {
    return this.pooled.connection;
  }

  async release(options: { destroy?: boolean } = {}): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.leakTimer) clearTimeout(this.leakTimer);
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

  private readonly idle: Pooled[] = [];
  private readonly leased = new Set<PoolLease>();
  /** Taken from idle or just created, being validated or handed to a waiter. */
  private handingOut = 0;
  private creating = 0;
  private readonly waiters: Waiter[] = [];
  private closing: Promise<void> | undefined;
  private readonly maintenance: NodeJS.Timeout;
  private activeDrained: (() => void) | undefined;

  constructor(options: ConnectionPoolOptions) {
    this.database = options.database;
    this.config = options.config;
    this.connectFn = options.connect;
    this.logger = options.logger;
    this.observer = options.observer;
    this.validateAfterIdleMs = options.validateAfterIdleMs ?? VALIDATE_AFTER_IDLE_MS;
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

  acquire(holder: LeaseHolder, signal?: AbortSignal): Promise<Lease> {
    if (this.closing)
      return Promise.reject(new DbError("unavailable", `database "${this.database}": the connection pool is closed`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Lease>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (waiter.settled) return;
        this.removeWaiter(waiter);
        this.observer?.acquireTimedOut();
        const s = this.stats();
        waiter.reject(
          new DbError(
            "resource_exhausted",
            `database "${this.database}": no connection available within ${this.config.acquireTimeoutMs} ms (pool size ${this.config.max}, ${s.active} in use, ${s.pending} waiting)`,
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

  close(timeoutMs = 30_000): Promise<void> {
    this.closing ??= this.shutdown(timeoutMs);
    return this.closing;
  }

  // --- lending -------------------------------------------------------------------------------------

  /** Serves waiters in arrival order: idle connections first, then new ones up to max. */
  private dispatch(): void {
    while (this.waiters.length > 0 && this.idle.length > 0 && !this.closing) {
      const waiter = this.waiters.shift() as Waiter;
      // Most recently used first: it is the likeliest to be alive and warm.
      const pooled = this.idle.pop() as Pooled;
      this.handingOut += 1;
      void this.handOut(pooled, waiter);
    }
    while (!this.closing && this.waiters.length > this.creating && this.stats().total < this.config.max) {
      void this.create();
    }
  }

  private async handOut(pooled: Pooled, waiter: Waiter): Promise<void> {
    let usable = !pooled.connection.broken && !this.expired(pooled, Date.now());
    if (usable && this.config.validateOnBorrow && Date.now() - pooled.idleSince > this.validateAfterIdleMs) {
      usable = await this.validate(pooled);
    }
    this.handingOut -= 1;
    if (!usable) {
      await this.destroy(pooled, "failed validation or expired");
      // The waiter keeps its place at the head of the line.
      if (!waiter.settled) this.waiters.unshift(waiter);
      this.dispatch();
      return;
    }
    if (this.closing) {
      await this.destroy(pooled, "pool closing");
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
    this.leased.add(lease);
    const threshold = this.config.leakDetectionThresholdMs;
    if (threshold > 0) {
      lease.leakTimer = setTimeout(() => this.reportLeak(lease, threshold), threshold);
      lease.leakTimer.unref();
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
      // The first in line learns why now instead of at its timeout (database down, bad credentials).
      const waiter = this.waiters.shift();
      waiter?.reject(
        error instanceof DbError
          ? error
          : new DbError("unavailable", `database "${this.database}": ${(error as Error).message}`, { cause: error }),
      );
      return;
    }
    this.creating -= 1;
    this.observer?.connectionCreated();
    const now = Date.now();
    const pooled: Pooled = { connection, createdAt: now, idleSince: now };
    if (this.closing) {
      await this.destroy(pooled, "pool closing");
      return;
    }
    this.idle.push(pooled);
    this.dispatch();
  }

  // --- returning -----------------------------------------------------------------------------------

  private async giveBack(lease: PoolLease, destroy: boolean): Promise<void> {
    // Not lent any more: the pool already closed it at shutdown.
    if (!this.leased.delete(lease)) return;
    const pooled = lease.pooled;
    let reason: string | undefined;
    if (destroy) reason = "released with destroy";
    else if (pooled.connection.broken) reason = "broken";
    else if (this.closing) reason = "pool closing";
    else if (this.expired(pooled, Date.now())) reason = "max lifetime reached";
    if (!reason && pooled.connection.inTransaction) {
      // A transaction left open must not leak into the next borrower.
      try {
        await pooled.connection.rollback();
      } catch {
        reason = "rollback on release failed";
      }
    }
    if (reason) {
      await this.destroy(pooled, reason);
      this.dispatch();
    } else {
      this.returnToIdle(pooled);
    }
    this.checkDrained();
  }

  private returnToIdle(pooled: Pooled): void {
    pooled.idleSince = Date.now();
    this.idle.push(pooled);
    this.dispatch();
  }

  private async destroy(pooled: Pooled, reason: string): Promise<void> {
    this.logger.debug(
      { database: this.database, connectionId: pooled.connection.id, reason },
      "closing pooled connection",
    );
    this.observer?.connectionClosed();
    try {
      await pooled.connection.close();
    } catch (error) {
      this.logger.debug(
        { database: this.database, connectionId: pooled.connection.id, err: (error as Error).message },
        "error while closing a connection",
      );
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
      if (this.expired(pooled, now) || idleTooLong || pooled.connection.broken) {
        this.idle.splice(i, 1);
        void this.destroy(pooled, idleTooLong ? "idle timeout" : "max lifetime reached");
      } else {
        i += 1;
      }
    }
    this.topUpMinIdle();
  }

  private topUpMinIdle(): void {
    if (this.closing) return;
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
    await Promise.all(this.idle.splice(0).map((p) => this.destroy(p, "pool closing")));
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
      await Promise.all(
        remaining.map((lease) => {
          if (lease.leakTimer) clearTimeout(lease.leakTimer);
          return this.destroy(lease.pooled, "pool close timeout");
        }),
      );
    }
  }
}
