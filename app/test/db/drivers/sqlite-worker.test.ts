// What happens to a SQLite statement given up on at its deadline, on the real thing: node:sqlite cannot
// interrupt a statement, so the worker thread is terminated (between rows it stops at once; inside one long
// SQLite step it runs on until the step returns). Either way nothing it did is committed, and what was
// committed before stays.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { PoolConfig, type SqliteDatabaseConfig } from "../../../src/config/schema.js";
import { abandonedThreads, createSqliteDriver, SqliteConnection } from "../../../src/db/drivers/sqlite/index.js";
import { DbError } from "../../../src/db/errors.js";

const dir = mkdtempSync(join(tmpdir(), "igp-sqlite-worker-"));
afterAll(async () => {
  await waitForAbandonedThreads();
  rmSync(dir, { recursive: true, force: true });
});

/** Rows stepped one by one: a terminated worker stops between two of them. */
const MANY_ROWS =
  "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000000000) SELECT n FROM s";
/** One SQLite step of a second or more: nothing returns to JavaScript until the count is done. */
const ONE_LONG_STEP = (n = 10_000_000) =>
  `SELECT count(*) FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${n}) SELECT n FROM s)`;

function config(path: string, overrides: Partial<SqliteDatabaseConfig> = {}): SqliteDatabaseConfig {
  return {
    driver: "sqlite",
    path,
    demo: false,
    readOnly: false,
    maxAbandonedStatements: 4,
    default: false,
    pool: PoolConfig.parse({}),
    ...overrides,
  };
}

async function waitForAbandonedThreads(): Promise<void> {
  await vi.waitFor(() => expect(abandonedThreads.count()).toBe(0), { timeout: 120_000, interval: 100 });
}

/** The nice value of each thread of this process (Linux /proc). */
function threadNiceValues(): number[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    // Fields after "(comm) ": state is field 3, nice is field 19.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

async function expectTimeout(work: Promise<unknown>): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbError);
  expect((error as DbError).kind).toBe("timeout");
}

async function ids(connection: SqliteConnection): Promise<bigint[]> {
  const result = await connection.execute({ sql: "SELECT id FROM t ORDER BY id" }, [], {});
  return result.rows.map((row) => (row[0] as { value: bigint }).value);
}

const int = (value: bigint) => ({ kind: "int64" as const, value });

describe("an abandoned SQLite statement", () => {
  it("rolls back the transaction of a worker terminated between rows, keeps what was committed, frees the lock", async () => {
    const path = join(dir, "between-rows.db");
    const a = await SqliteConnection.open({ path, readOnly: false });
    const b = await SqliteConnection.open({ path, readOnly: false, busyTimeoutMs: 200 });
    await a.execute({ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY)" }, [], {});
    await a.execute({ sql: "INSERT INTO t VALUES (?)" }, [int(1n)], {});
    await a.begin("default", false);
    await a.execute({ sql: "INSERT INTO t VALUES (?)" }, [int(2n)], {});
    await expectTimeout(a.execute({ sql: MANY_ROWS }, [], { signal: abortAfter(200) }));
    // Its transaction went with the worker: the connection says so instead of pretending.
    expect(a.broken).toBe(true);
    expect(a.inTransaction).toBe(false);
    await vi.waitFor(() => expect(abandonedThreads.count(path)).toBe(0));
    expect(await ids(b)).toEqual([1n]);
    // The write lock the transaction held is free.
    await b.execute({ sql: "INSERT INTO t VALUES (?)" }, [int(3n)], {});
    expect(await ids(b)).toEqual([1n, 3n]);
    await a.close();
    await b.close();
  });

  it("never commits an auto-commit write whose single long step outlives its deadline", async () => {
    const path = join(dir, "one-step-write.db");
    const a = await SqliteConnection.open({ path, readOnly: false });
    await a.execute({ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY)" }, [], {});
    await a.execute({ sql: "INSERT INTO t VALUES (?)" }, [int(1n)], {});
    const started = performance.now();
    await expectTimeout(
      a.execute({ sql: `INSERT INTO t SELECT 1000 + (${ONE_LONG_STEP()})` }, [], { signal: abortAfter(100) }),
    );
    const answeredMs = performance.now() - started;
    // The thread is still inside that step; when it returns, the worker rolls back instead of committing.
    const stillRunning = abandonedThreads.count(path);
    // Meanwhile it runs at the lowest priority (Linux), behind the calls still being served.
    if (stillRunning === 1 && existsSync("/proc/thread-self")) expect(threadNiceValues()).toContain(19);
    await waitForAbandonedThreads();
    console.log(
      `auto-commit write abandoned: answered after ${answeredMs.toFixed(0)} ms; its thread was still running: ${stillRunning === 1}; it exited ${(performance.now() - started).toFixed(0)} ms after the start`,
    );
    // Without the worker's guard SQLite commits the row the moment the step returns.
    expect(await ids(a)).toEqual([1n]);
    // A fresh worker serves the connection: nothing was lost with the old one.
    expect(a.broken).toBe(false);
    await a.execute({ sql: "INSERT INTO t VALUES (?)" }, [int(2n)], {});
    expect(await ids(a)).toEqual([1n, 2n]);
    await a.close();
  });

  it("rolls back an explicit transaction whose statement is abandoned inside one long step", async () => {
    const path = join(dir, "one-step-transaction.db");
    const a = await SqliteConnection.open({ path, readOnly: false });
    const b = await SqliteConnection.open({ path, readOnly: false });
    await a.execute({ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY)" }, [], {});
    await a.begin("default", false);
    await a.execute({ sql: "INSERT INTO t VALUES (?)" }, [int(7n)], {});
    await expectTimeout(a.execute({ sql: ONE_LONG_STEP() }, [], { signal: abortAfter(100) }));
    expect(a.broken).toBe(true);
    await waitForAbandonedThreads();
    expect(await ids(b)).toEqual([]);
    await b.execute({ sql: "INSERT INTO t VALUES (?)" }, [int(8n)], {});
    expect(await ids(b)).toEqual([8n]);
    await a.close();
    await b.close();
  });

  it("keeps the event loop turning while one long step runs", async () => {
    const connection = await SqliteConnection.open({ path: ":memory:", readOnly: false });
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 1);
    // Before worker threads this single step blocked the event loop: no tick until it returned.
    const result = await connection.execute({ sql: ONE_LONG_STEP(3_000_000) }, [], {});
    clearInterval(ticker);
    expect(result.rows[0]).toEqual([int(3_000_000n)]);
    expect(ticks).toBeGreaterThan(5);
    await connection.close();
  });

  it("retires the connection and refuses new ones while too many abandoned statements still run", async () => {
    const path = join(dir, "cap.db");
    const driver = createSqliteDriver(config(path, { maxAbandonedStatements: 0 }));
    const connection = await driver.connect();
    await expectTimeout(connection.execute({ sql: ONE_LONG_STEP() }, [], { signal: abortAfter(100) }));
    expect(connection.broken).toBe(true);
    if (abandonedThreads.count(path) > 0) {
      const refused = await driver.connect().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DbError);
      expect((refused as DbError).kind).toBe("resource_exhausted");
    }
    await waitForAbandonedThreads();
    const next = await driver.connect();
    await expect(next.validate()).resolves.toBeUndefined();
    await next.close();
    await connection.close();
    await driver.close();
  });

  it("cancels a cursor's read-ahead with the call and serves the connection again", async () => {
    const connection = await SqliteConnection.open({ path: join(dir, "cursor.db"), readOnly: false });
    const controller = new AbortController();
    const cursor = await connection.openCursor({ sql: MANY_ROWS }, [], { signal: controller.signal });
    expect(await cursor.next(500)).toHaveLength(500);
    controller.abort();
    await expectTimeout(cursor.next(500));
    await cursor.close();
    expect(connection.broken).toBe(false);
    const after = await connection.execute({ sql: "SELECT 42" }, [], {});
    expect(after.rows).toEqual([[int(42n)]]);
    await connection.close();
  });
});
