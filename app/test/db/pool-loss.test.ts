// The pool cannot lose a connection: real PostgreSQL connections are terminated by the server
// (pg_terminate_backend) or frozen (SIGSTOP on their backend process) wherever they are (idle, lent,
// mid-cursor, mid-cancel, in the rollback on release), and the pool's books must follow at once and agree with
// pg_stat_activity afterwards. Only this file's own backends are signalled; each test resumes what it froze.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PoolConfig } from "../../src/config/schema.js";
import type { Connection } from "../../src/db/driver.js";
import { createPostgresDriver } from "../../src/db/drivers/postgres/index.js";
import { DbError } from "../../src/db/errors.js";
import { ConnectionPool } from "../../src/db/pool.js";
import type { LeaseHolder, PoolObserver } from "../../src/db/pool-types.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

const holder: LeaseHolder = { rpc: "/informix.proxy.v1.SqlService/Execute", caller: "tester" };
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("loss");
});
afterAll(async () => {
  await db.drop();
});

class Events implements PoolObserver {
  lost: Array<{ kind: string; wasLent: boolean }> = [];
  reclaimed: LeaseHolder[] = [];
  closed = 0;
  acquired(): void {}
  acquireTimedOut(): void {}
  leakDetected(): void {}
  connectionCreated(): void {}
  connectionClosed(): void {
    this.closed += 1;
  }
  connectionLost(reason: DbError, wasLent: boolean): void {
    this.lost.push({ kind: reason.kind, wasLent });
  }
  leakReclaimed(h: LeaseHolder): void {
    this.reclaimed.push(h);
  }
}

function makePool(overrides: Partial<PoolConfig> = {}) {
  const config = PoolConfig.parse({ max: 2, acquireTimeoutMs: 5000, validationTimeoutMs: 500, ...overrides });
  const driver = createPostgresDriver(
    { ...db.config, pool: config },
    { credentials: db.credentials, logger: pino({ level: "silent" }) },
  );
  const events = new Events();
  const pool = new ConnectionPool({
    database: "loss",
    config,
    connect: () => driver.connect(),
    logger: pino({ level: "silent" }),
    observer: events,
    maintenanceIntervalMs: 100_000,
  });
  return { pool, events };
}

async function backendPid(connection: Connection): Promise<number> {
  const result = await connection.execute({ sql: "SELECT pg_backend_pid()" }, [], {});
  const value = result.rows[0]?.[0];
  if (value?.kind !== "int64") throw new Error("no backend pid");
  return Number(value.value);
}

async function terminate(pid: number): Promise<void> {
  await db.admin("SELECT pg_terminate_backend($1)", [pid]);
}

/** Freezes one backend process of this file's database (the server and other files are untouched). */
async function frozen<T>(pid: number, work: () => Promise<T>): Promise<T> {
  process.kill(pid, "SIGSTOP");
  try {
    return await work();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

/** Waits (bounded) until the condition holds; the books follow events, not a timer. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never became true: ${what}`);
}

async function backendsOfThisDatabase(): Promise<number> {
  const result = await db.admin(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  return (result.rows[0] as { n: number }).n;
}

describe("the pool's books when PostgreSQL connections go away", () => {
  it("an idle connection the server terminates leaves the books without anyone borrowing it", async () => {
    const { pool, events } = makePool();
    try {
      const lease = await pool.acquire(holder);
      const pid = await backendPid(lease.connection);
      await lease.release();
      expect(pool.stats()).toMatchObject({ idle: 1, total: 1 });
      await terminate(pid);
      await until(() => pool.stats().total === 0, "idle connection dropped");
      expect(events.lost).toEqual([{ kind: "unavailable", wasLent: false }]);
    } finally {
      await pool.close(1000);
    }
  });

  it("a lent connection terminated mid-statement fails the statement as unavailable and ends the lease", async () => {
    const { pool, events } = makePool({ max: 1 });
    try {
      const lease = await pool.acquire(holder);
      const pid = await backendPid(lease.connection);
      // No signal and no timeout: only the loss can end this statement before its 60 s.
      const running = lease.connection.execute({ sql: "SELECT pg_sleep(60)" }, [], {}).catch((e: unknown) => e);
      await until(async () => (await activeQueries(pid)) === 1, "statement running");
      await terminate(pid);
      const error = (await running) as DbError;
      expect(error).toBeInstanceOf(DbError);
      expect(error.kind).toBe("unavailable");
      expect(error.connectionBroken).toBe(true);
      expect(pool.stats()).toMatchObject({ active: 0, total: 0 });
      expect(events.lost).toEqual([{ kind: "unavailable", wasLent: true }]);
      // The slot is free for the next caller (pool max 1) and the late release changes nothing.
      const next = await pool.acquire(holder);
      await lease.release();
      expect(pool.stats()).toMatchObject({ active: 1, total: 1 });
      await next.release();
    } finally {
      await pool.close(1000);
    }
  });

  it("a connection terminated mid-cursor fails the next read at once and the cursor closes without hanging", async () => {
    const { pool } = makePool({ max: 1 });
    try {
      const lease = await pool.acquire(holder);
      const pid = await backendPid(lease.connection);
      const cursor = await lease.connection.openCursor({ sql: "SELECT g FROM generate_series(1, 1000000) g" }, [], {});
      expect((await cursor.next(100)).length).toBe(100);
      await terminate(pid);
      await until(() => lease.connection.broken, "loss seen");
      const error = (await cursor.next(100).catch((e: unknown) => e)) as DbError;
      expect(error.kind).toBe("unavailable");
      await cursor.close();
      await lease.release();
      expect(pool.stats().total).toBe(0);
    } finally {
      await pool.close(1000);
    }
  });

  it("a frozen server: a cancelled statement is abandoned after cancelGraceMs as a timeout and its slot freed", async () => {
    const { pool, events } = makePool({ max: 1, cancelGraceMs: 200 });
    try {
      const lease = await pool.acquire(holder);
      const pid = await backendPid(lease.connection);
      const error = await frozen(pid, async () => {
        const controller = new AbortController();
        const running = lease.connection
          .execute({ sql: "SELECT 1" }, [], { signal: controller.signal })
          .catch((e: unknown) => e);
        controller.abort();
        return (await running) as DbError;
      });
      expect(error.kind).toBe("timeout");
      expect(error.connectionBroken).toBe(true);
      expect(error.message).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}/);
      expect(events.lost).toEqual([{ kind: "timeout", wasLent: true }]);
      expect(pool.stats().total).toBe(0);
      await lease.release();
      const next = await pool.acquire(holder);
      expect((await next.connection.execute({ sql: "SELECT 2 AS two" }, [], {})).rows).toEqual([
        [{ kind: "int64", value: 2n }],
      ]);
      await next.release();
    } finally {
      await pool.close(1000);
    }
  });

  it("a cursor read on a frozen server is abandoned on cancel, also mid-result", async () => {
    const { pool } = makePool({ max: 1, cancelGraceMs: 200 });
    try {
      const lease = await pool.acquire(holder);
      const pid = await backendPid(lease.connection);
      const controller = new AbortController();
      const cursor = await lease.connection.openCursor({ sql: "SELECT g FROM generate_series(1, 1000000) g" }, [], {
        signal: controller.signal,
      });
      await cursor.next(10);
      const error = await frozen(pid, async () => {
        const reading = cursor.next(100_000).catch((e: unknown) => e);
        controller.abort();
        const result = (await reading) as DbError;
        await cursor.close();
        return result;
      });
      expect(error.kind).toBe("timeout");
      expect(pool.stats().total).toBe(0);
      await lease.release();
    } finally {
      await pool.close(1000);
    }
  });

  it("validation on borrow after idleness replaces a connection that no longer answers", async () => {
    const { pool, events } = makePool({ max: 1, validationTimeoutMs: 200, cancelGraceMs: 100 });
    try {
      const first = await pool.acquire(holder);
      const pid = await backendPid(first.connection);
      await first.release();
      const lease = await frozen(pid, () => pool.acquire(holder, undefined, { validate: true }));
      expect(await backendPid(lease.connection)).not.toBe(pid);
      expect(pool.stats()).toMatchObject({ active: 1, total: 1 });
      expect(events.closed).toBeGreaterThanOrEqual(1);
      await lease.release();
    } finally {
      await pool.close(1000);
    }
  });

  it("the rollback of a transaction left open on release is bounded: a frozen connection is closed instead", async () => {
    const { pool } = makePool({ max: 1, validationTimeoutMs: 200, cancelGraceMs: 100 });
    try {
      const lease = await pool.acquire(holder);
      const pid = await backendPid(lease.connection);
      await lease.connection.begin("default", false);
      await frozen(pid, () => lease.release());
      expect(pool.stats().total).toBe(0);
      const next = await pool.acquire(holder);
      expect(next.connection.inTransaction).toBe(false);
      await next.release();
    } finally {
      await pool.close(1000);
    }
  });

  it("leakReclaimAfterMs takes back a lease held too long: its statement fails and the slot serves the next caller", async () => {
    const { pool, events } = makePool({ max: 1, leakReclaimAfterMs: 300, leakDetectionThresholdMs: 0 });
    try {
      const lease = await pool.acquire({ ...holder, sessionId: "s-leak" });
      const running = lease.connection.execute({ sql: "SELECT pg_sleep(60)" }, [], {}).catch((e: unknown) => e);
      // The only slot is held: this acquire is served when the reclaim frees it.
      const next = await pool.acquire(holder);
      const error = (await running) as DbError;
      expect(error.kind).toBe("unavailable");
      expect(events.reclaimed).toEqual([{ ...holder, sessionId: "s-leak" }]);
      await lease.release();
      expect(pool.stats()).toMatchObject({ active: 1, total: 1 });
      await next.release();
    } finally {
      await pool.close(1000);
    }
  });

  it("after all of that, the books agree with pg_stat_activity: nothing stuck, nothing leaked", async () => {
    const { pool } = makePool({ max: 4, cancelGraceMs: 200 });
    try {
      const leases = await Promise.all([1, 2, 3, 4].map(() => pool.acquire(holder)));
      const pids = await Promise.all(leases.map((l) => backendPid(l.connection)));
      await leases[0]?.release();
      await terminate(pids[0] as number); // idle
      await terminate(pids[1] as number); // lent
      const controller = new AbortController();
      await frozen(pids[2] as number, async () => {
        const running = leases[2]?.connection.execute({ sql: "SELECT 1" }, [], { signal: controller.signal });
        controller.abort();
        await running?.catch(() => undefined);
      });
      await leases[3]?.release();
      await Promise.all(leases.map((l) => l.release()));
      await until(
        async () => (await backendsOfThisDatabase()) === pool.stats().total,
        `books match the server: ${JSON.stringify(pool.stats())} vs ${await backendsOfThisDatabase()}`,
      );
      expect(pool.stats()).toMatchObject({ active: 0, total: 1, idle: 1 });
      expect(await backendsOfThisDatabase()).toBe(1);
    } finally {
      await pool.close(1000);
    }
    await until(async () => (await backendsOfThisDatabase()) === 0, "all closed after pool.close");
  });
});

async function activeQueries(pid: number): Promise<number> {
  const result = await db.admin("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [
    pid,
  ]);
  return (result.rows[0] as { n: number }).n;
}
