import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SqliteDatabaseConfig } from "../../../src/config/schema.js";
import { PoolConfig } from "../../../src/config/schema.js";
import { DEMO_TABLES, demoRows } from "../../../src/db/demo/index.js";
import { createSqliteDriver, SqliteConnection } from "../../../src/db/drivers/sqlite/index.js";
import { DbError } from "../../../src/db/errors.js";

const dir = mkdtempSync(join(tmpdir(), "igp-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(overrides: Partial<SqliteDatabaseConfig>): SqliteDatabaseConfig {
  return {
    driver: "sqlite",
    path: join(dir, "x.db"),
    demo: false,
    readOnly: false,
    maxAbandonedStatements: 4,
    default: false,
    pool: PoolConfig.parse({}),
    ...overrides,
  };
}

describe("sqlite driver", () => {
  it("creates and fills the demo database on first connect, once", async () => {
    const path = join(dir, "nested", "dir", "demo.db");
    const driver = createSqliteDriver(config({ path, demo: true }));
    expect(existsSync(path)).toBe(false);
    const [a, b] = await Promise.all([driver.connect(), driver.connect()]);
    expect(existsSync(path)).toBe(true);
    const tables = await a.listTables({ includeViews: true });
    expect(tables.map((t) => t.name).sort()).toEqual([...DEMO_TABLES].sort());
    const expected = demoRows();
    for (const { table, rows } of expected) {
      const count = await b.execute({ sql: `SELECT COUNT(*) FROM ${table}` }, [], {});
      expect(count.rows[0]?.[0]).toEqual({ kind: "int64", value: BigInt(rows.length) });
      expect(rows.length).toBeGreaterThanOrEqual(24);
    }
    // Decimal columns keep their digits and are typed as decimals.
    const product = await a.execute(
      { sql: "SELECT unit_price, weight_kg, discontinued, thumbnail FROM products WHERE sku = ?" },
      [{ kind: "string", value: "HW-1001" }],
      {},
    );
    expect(product.columns.map((c) => c.type)).toEqual(["decimal", "decimal", "bool", "bytes"]);
    expect(product.rows[0]?.slice(0, 3)).toEqual([
      { kind: "decimal", value: "18.99" },
      { kind: "decimal", value: "0.450" },
      { kind: "bool", value: false },
    ]);
    const movement = await a.execute(
      { sql: "SELECT movement_id, moved_at FROM inventory_movements ORDER BY movement_id LIMIT 1" },
      [],
      {},
    );
    expect(movement.rows[0]?.[0]).toEqual({ kind: "int64", value: 1_000_000_000_000n });
    expect((movement.rows[0]?.[1] as { value: string } | undefined)?.value).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/,
    );
    // Order totals add up exactly (integer cents in the generator).
    const totals = await a.execute(
      {
        sql: "SELECT o.order_id, o.total_amount, SUM(CAST(ROUND(i.unit_price * 100) AS INTEGER) * i.quantity) FROM orders o JOIN order_items i USING (order_id) GROUP BY o.order_id",
      },
      [],
      {},
    );
    for (const [, total, cents] of totals.rows) {
      expect(Math.round(Number((total as { value: string }).value) * 100)).toBe(
        Number((cents as { value: bigint }).value),
      );
    }
    await a.close();
    await b.close();
    // A second driver finds the file and leaves it alone.
    const again = await createSqliteDriver(config({ path, demo: true })).connect();
    const count = await again.execute({ sql: "SELECT COUNT(*) FROM customer" }, [], {});
    expect(count.rows[0]?.[0]).toEqual({ kind: "int64", value: 40n });
    await again.close();
  });

  it("gives each in-memory connection its own demo copy", async () => {
    const driver = createSqliteDriver(config({ path: ":memory:", demo: true }));
    const c = await driver.connect();
    const r = await c.execute({ sql: "SELECT COUNT(*) FROM orders" }, [], {});
    expect(r.rows[0]?.[0]).toEqual({ kind: "int64", value: 60n });
    await c.close();
  });

  it("refuses writes on a read-only database", async () => {
    const path = join(dir, "ro.db");
    const rw = await createSqliteDriver(config({ path })).connect();
    await rw.execute({ sql: "CREATE TABLE t (x INTEGER)" }, [], {});
    await rw.close();
    const ro = await createSqliteDriver(config({ path, readOnly: true })).connect();
    const error = await ro.execute({ sql: "INSERT INTO t VALUES (1)" }, [], {}).catch((e: unknown) => e);
    expect((error as DbError).kind).toBe("permission_denied");
    await ro.close();
  });

  it("types expression columns from their values and keeps duplicate column names apart", async () => {
    const c = await createSqliteDriver(config({ path: ":memory:" })).connect();
    const r = await c.execute(
      { sql: "SELECT 9007199254740993 AS a, 1.25 AS a, 'x' AS s, X'00FF' AS b, NULL AS n" },
      [],
      {},
    );
    expect(r.columns.map((col) => [col.name, col.type])).toEqual([
      ["a", "int64"],
      ["a", "double"],
      ["s", "string"],
      ["b", "bytes"],
      ["n", "unknown"],
    ]);
    expect(r.rows[0]).toEqual([
      { kind: "int64", value: 9007199254740993n },
      { kind: "double", value: 1.25 },
      { kind: "string", value: "x" },
      { kind: "bytes", value: new Uint8Array([0, 255]) },
      { kind: "null" },
    ]);
    await c.close();
  });

  it("keeps the event loop turning while it reads a long result", async () => {
    const c = await createSqliteDriver(config({ path: ":memory:" })).connect();
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 0);
    const r = await c.execute(
      { sql: "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 200000) SELECT n FROM s" },
      [],
      {},
    );
    clearInterval(ticker);
    expect(r.rows).toHaveLength(200_000);
    expect(ticks).toBeGreaterThan(0);
    await c.close();
  });

  it("maps transaction misuse and bad SQL", async () => {
    const c = await createSqliteDriver(config({ path: ":memory:" })).connect();
    await c.begin("default", false);
    await expect(c.begin("default", false)).rejects.toMatchObject({ kind: "transaction_state" });
    await c.rollback();
    await expect(c.execute({ sql: "SELECT 'unterminated" }, [], {})).rejects.toBeInstanceOf(DbError);
    // SQLite itself would run the first statement and silently drop the rest.
    await expect(c.execute({ sql: "CREATE TABLE t (x INTEGER); DROP TABLE t" }, [], {})).rejects.toMatchObject({
      kind: "invalid_statement",
    });
    await expect(c.execute({ sql: "CREATE TABLE t (x INTEGER);" }, [], {})).resolves.toBeDefined();
    await expect(
      c.execute(
        { sql: "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; DELETE FROM t WHERE x = 2; END" },
        [],
        {},
      ),
    ).resolves.toBeDefined();
    await expect(c.execute({ sql: "CREATE TABLE t (x INTEGER)" }, [], {})).rejects.toMatchObject({
      kind: "invalid_statement",
    });
    await c.close();
  });

  it("maps a write lock held by another connection to conflict", async () => {
    const path = join(dir, "locked.db");
    const a = new SqliteConnection({ path, readOnly: false, busyTimeoutMs: 20 });
    const b = new SqliteConnection({ path, readOnly: false, busyTimeoutMs: 20 });
    await a.execute({ sql: "CREATE TABLE t (x INTEGER)" }, [], {});
    await a.begin("serializable", false);
    await a.execute({ sql: "INSERT INTO t VALUES (1)" }, [], {});
    await expect(b.execute({ sql: "INSERT INTO t VALUES (2)" }, [], {})).rejects.toMatchObject({ kind: "conflict" });
    await a.commit();
    await expect(b.execute({ sql: "INSERT INTO t VALUES (2)" }, [], {})).resolves.toMatchObject({ rowsAffected: 1 });
    await a.close();
    await b.close();
  });
});
