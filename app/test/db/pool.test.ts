// The pool against real connections: in-memory SQLite (each connection its own database) and, for a
// connection broken by the server, PostgreSQL.
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PoolConfig } from "../../src/config/schema.js";
import type { Connection } from "../../src/db/driver.js";
import { createPostgresDriver } from "../../src/db/drivers/postgres/index.js";
import { createSqliteDriver } from "../../src/db/drivers/sqlite/index.js";
import { DbError } from "../../src/db/errors.js";
import { ConnectionPool, type ConnectionPoolOptions } from "../../src/db/pool.js";
import type { LeaseHolder, PoolObserver } from "../../src/db/pool-types.js";
import { createTestDatabase } from "../support/postgres.js";

const baseConfig: PoolConfig = {
  max: 2,
  minIdle: 0,
  // Each SQLite connection starts a worker thread: well under a second, but not 200 ms on a busy machine.
  acquireTimeoutMs: 3000,
  idleTimeoutMs: 600_000,
  maxLifetimeMs: 1_800_000,
  validationTimeoutMs: 1000,
  validateOnBorrow: true,
  leakDetectionThresholdMs: 0,
  leakReclaimAfterMs: 0,
  cancelGraceMs: 500,
};

class RecordingObserver implements PoolObserver {
  acquiredCount = 0;
  timedOut = 0;
  leaks: LeaseHolder[] = [];
  created = 0;
  closed = 0;
  acquired(seconds: number): void {
    expect(seconds).toBeGreaterThanOrEqual(0);
    this.acquiredCount += 1;
  }
  acquireTimedOut(): void {
    this.timedOut += 1;
  }
  leakDetected(holder: LeaseHolder): void {
    this.leaks.push(holder);
  }
  connectionCreated(): void {
    this.created += 1;
  }
  connectionClosed(): void {
    this.closed += 1;
  }
}

const sqlite = createSqliteDriver({
  driver: "sqlite",
  path: ":memory:",
  demo: false,
  readOnly: false,
  maxAbandonedStatements: 4,
  default: false,
  pool: baseConfig,
});
const holder: LeaseHolder = { rpc: "/informix.proxy.v1.SqlService/Execute", sessionId: "s-1", caller: "tester" };
const pools: ConnectionPool[] = [];

function makePool(overrides: Partial<PoolConfig> = {}, extra: Partial<ConnectionPoolOptions> = {}) {
  const observer = new RecordingObserver();
  const logger = pino({ level: "silent" });
  const pool = new ConnectionPool({
    database: "demo",
    config: { ...baseConfig, ...overrides },
    connect: () => sqlite.connect(),
    logger,
    observer,
    ...extra,
  });
  pools.push(pool);
  return { pool, observer, logger };
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close(1000)));
});

describe("ConnectionPool", () => {
  it("lends connections up to max and reuses returned ones", async () => {
    const { pool, observer } = makePool();
    const a = await pool.acquire(holder);
    const b = await pool.acquire(holder);
    expect(a.connection.id).not.toBe(b.connection.id);
    expect(pool.stats()).toMatchObject({ active: 2, idle: 0, total: 2, max: 2 });
    await a.release();
    await a.release(); // idempotent
    const c = await pool.acquire(holder);
    expect(c.connection.id).toBe(a.connection.id);
    expect(observer.created).toBe(2);
    expect(observer.acquiredCount).toBe(3);
    await b.release();
    await c.release();
    expect(pool.stats()).toMatchObject({ active: 0, idle: 2 });
  });

  it("fails with resource_exhausted naming the database and pool size after the acquire timeout", async () => {
    const { pool, observer } = makePool({ max: 1, minIdle: 1, acquireTimeoutMs: 200 });
    await vi.waitFor(() => expect(pool.stats().idle).toBe(1), { timeout: 10_000 });
    const held = await pool.acquire(holder);
    const error = await pool.acquire(holder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).kind).toBe("resource_exhausted");
    expect((error as DbError).message).toContain('"demo"');
    expect((error as DbError).message).toContain("pool size 1");
    expect(observer.timedOut).toBe(1);
    expect(pool.stats().pending).toBe(0);
    await held.release();
  });

  it("serves waiters in arrival order when connections are released", async () => {
    const { pool } = makePool({ max: 1, acquireTimeoutMs: 5000 });
    const held = await pool.acquire(holder);
    const order: string[] = [];
    const first = pool.acquire({ rpc: "first" }).then((l) => {
      order.push("first");
      return l;
    });
    const second = pool.acquire({ rpc: "second" }).then((l) => {
      order.push("second");
      return l;
    });
    expect(pool.stats().pending).toBe(2);
    await held.release();
    const firstLease = await first;
    expect(firstLease.holder.rpc).toBe("first");
    expect(firstLease.connection.id).toBe(held.connection.id);
    await firstLease.release();
    const secondLease = await second;
    expect(order).toEqual(["first", "second"]);
    await secondLease.release();
  });

  it("rejects an acquire with the signal's reason when aborted", async () => {
    const { pool } = makePool({ max: 1, acquireTimeoutMs: 5000 });
    const held = await pool.acquire(holder);
    const controller = new AbortController();
    const waiting = pool.acquire(holder, controller.signal);
    const reason = new Error("client went away");
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(pool.stats().pending).toBe(0);
    await expect(pool.acquire(holder, AbortSignal.abort(reason))).rejects.toBe(reason);
    await held.release();
  });

  it("reports a lease held past the leak threshold once, with its holder", async () => {
    const logger = pino({ level: "warn" });
    const warn = vi.spyOn(logger, "warn");
    const { pool, observer } = makePool({ leakDetectionThresholdMs: 30 }, { logger });
    const lease = await pool.acquire(holder);
    await vi.waitFor(() => expect(observer.leaks).toHaveLength(1));
    expect(observer.leaks[0]).toEqual(holder);
    const [fields] = warn.mock.calls[0] as [Record<string, unknown>];
    expect(fields).toMatchObject({
      database: "demo",
      rpc: holder.rpc,
      sessionId: "s-1",
      caller: "tester",
      connectionId: lease.connection.id,
    });
    await new Promise((r) => setTimeout(r, 80));
    expect(observer.leaks).toHaveLength(1); // once, not repeatedly
    await lease.release();
  });

  it("does not report leases returned in time", async () => {
    const { pool, observer } = makePool({ leakDetectionThresholdMs: 10_000 });
    const lease = await pool.acquire(holder);
    await lease.release();
    expect(observer.leaks).toHaveLength(0);
  });

  it("destroys broken connections on release and on borrow-time validation", async () => {
    const { pool, observer } = makePool({ max: 1 }, { validateAfterIdleMs: 0 });
    const lease = await pool.acquire(holder);
    await lease.connection.close(); // the database handle is gone: broken
    expect(lease.connection.broken).toBe(true);
    await lease.release();
    expect(observer.closed).toBe(1);
    const next = await pool.acquire(holder);
    expect(next.connection.id).not.toBe(lease.connection.id);
    await next.release();

    // Fails validation while idle: replaced transparently.
    const idleOne = next.connection;
    await idleOne.close();
    const replaced = await pool.acquire(holder);
    expect(replaced.connection.id).not.toBe(idleOne.id);
    await replaced.connection.validate();
    expect(observer.closed).toBe(2);
    await replaced.release();
  });

  it("destroys a connection released with destroy", async () => {
    const { pool, observer } = makePool();
    const lease = await pool.acquire(holder);
    await lease.release({ destroy: true });
    expect(observer.closed).toBe(1);
    expect(pool.stats().total).toBe(0);
  });

  it("rolls back a transaction left open by the holder", async () => {
    const { pool } = makePool({ max: 1 });
    const lease = await pool.acquire(holder);
    await lease.connection.begin("default", false);
    await lease.release();
    const again = await pool.acquire(holder);
    expect(again.connection.id).toBe(lease.connection.id);
    expect(again.connection.inTransaction).toBe(false);
    await again.release();
  });

  it("retires connections past maxLifetime", async () => {
    const { pool, observer } = makePool({ maxLifetimeMs: 50 }, { maintenanceIntervalMs: 20 });
    const lease = await pool.acquire(holder);
    await new Promise((r) => setTimeout(r, 60));
    await lease.release();
    expect(observer.closed).toBe(1);
    const idleOne = await pool.acquire(holder);
    await idleOne.release();
    // Retired by maintenance while idle.
    await vi.waitFor(() => expect(observer.closed).toBe(2));
    expect(pool.stats().idle).toBe(0);
  });

  it("closes connections idle longer than idleTimeout above minIdle", async () => {
    const { pool, observer } = makePool({ idleTimeoutMs: 30, minIdle: 1, max: 3 }, { maintenanceIntervalMs: 20 });
    const leases = await Promise.all([pool.acquire(holder), pool.acquire(holder), pool.acquire(holder)]);
    for (const l of leases) await l.release();
    await vi.waitFor(() => expect(pool.stats().idle).toBe(1));
    expect(observer.closed).toBeGreaterThanOrEqual(2);
  });

  it("tops up minIdle on start and after connections go away", async () => {
    const { pool, observer } = makePool({ minIdle: 2, max: 4 }, { maintenanceIntervalMs: 20 });
    await vi.waitFor(() => expect(pool.stats().idle).toBe(2));
    const lease = await pool.acquire(holder);
    await lease.release({ destroy: true });
    await vi.waitFor(() => expect(pool.stats().idle).toBe(2));
    expect(observer.created).toBe(3);
  });

  it("hands the connect error to the first waiter when the database cannot be reached", async () => {
    const failing = async (): Promise<Connection> => {
      throw new DbError("unavailable", "connection refused");
    };
    const { pool } = makePool({}, { connect: failing });
    await expect(pool.acquire(holder)).rejects.toMatchObject({ kind: "unavailable" });
  });

  it("every caller in line learns of a failed connect at once, also when more wait than the pool has room", async () => {
    let attempts = 0;
    const failing = async (): Promise<Connection> => {
      attempts += 1;
      throw new DbError("unavailable", "connection refused");
    };
    // One slot, three callers, and a timeout far beyond the test's: each must be refused by its own connect.
    const { pool } = makePool({ max: 1, acquireTimeoutMs: 60_000 }, { connect: failing });
    const results = await Promise.allSettled([pool.acquire(holder), pool.acquire(holder), pool.acquire(holder)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: "unavailable" });
    expect(attempts).toBe(3);
    expect(pool.stats()).toMatchObject({ total: 0, pending: 0 });
  });

  it("close() refuses new leases, closes idle ones and waits for active ones", async () => {
    const { pool, observer } = makePool({ max: 2, acquireTimeoutMs: 5000 });
    const active = await pool.acquire(holder);
    const idle = await pool.acquire(holder);
    await idle.release();
    const closing = pool.close(5000);
    await expect(pool.acquire(holder)).rejects.toMatchObject({ kind: "unavailable" });
    await vi.waitFor(() => expect(observer.closed).toBe(1)); // the idle one
    expect(pool.stats().idle).toBe(0);
    await active.release();
    await closing;
    expect(observer.closed).toBe(2);
    expect(pool.stats().total).toBe(0);
  });

  it("close() rejects waiting acquires", async () => {
    const { pool } = makePool({ max: 1, acquireTimeoutMs: 5000 });
    const active = await pool.acquire(holder);
    const waiting = pool.acquire(holder);
    const closing = pool.close(5000);
    await expect(waiting).rejects.toMatchObject({ kind: "unavailable" });
    await active.release();
    await closing;
  });

  it("close() closes connections still lent out after its timeout", async () => {
    const { pool, observer } = makePool();
    const lease = await pool.acquire(holder);
    await pool.close(20);
    expect(observer.closed).toBe(1);
    expect(lease.connection.broken).toBe(true);
    await lease.release(); // late release is harmless
    expect(observer.closed).toBe(1);
  });

  it("destroys a PostgreSQL connection the server terminated", async () => {
    const db = await createTestDatabase("pool");
    const driver = createPostgresDriver(db.config, { credentials: db.credentials });
    // A new PostgreSQL connection (TCP + SCRAM) on a busy machine can take longer than the SQLite-sized
    // 200 ms default here; the bound is the PostgreSQL pool's own configured acquire timeout.
    const { pool, observer } = makePool(
      { max: 1, acquireTimeoutMs: db.config.pool.acquireTimeoutMs },
      { connect: () => driver.connect() },
    );
    try {
      const lease = await pool.acquire(holder);
      const pid = await lease.connection.execute({ sql: "SELECT pg_backend_pid()" }, [], {});
      const pidValue = pid.rows[0]?.[0];
      await db.admin("SELECT pg_terminate_backend($1)", [pidValue?.kind === "int64" ? Number(pidValue.value) : 0]);
      const error = await lease.connection.execute({ sql: "SELECT 1" }, [], {}).catch((e: unknown) => e);
      expect((error as DbError).kind).toBe("unavailable");
      expect(lease.connection.broken).toBe(true);
      await lease.release();
      expect(observer.closed).toBe(1);
      const fresh = await pool.acquire(holder);
      const ok = await fresh.connection.execute({ sql: "SELECT 1 AS one" }, [], {});
      expect(ok.rows).toEqual([[{ kind: "int64", value: 1n }]]);
      await fresh.release();
    } finally {
      await pool.close(1000);
      await db.drop();
    }
  });
});
