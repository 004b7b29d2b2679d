import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoDatabase, demoRows } from "../../../src/db/demo/index.js";
import type { Connection, Driver } from "../../../src/db/driver.js";
import { createPostgresDriver } from "../../../src/db/drivers/postgres/index.js";
import { DbError } from "../../../src/db/errors.js";
import { createTestDatabase, type TestDatabase } from "../../support/postgres.js";

let db: TestDatabase;
let driver: Driver;
let conn: Connection;

beforeAll(async () => {
  db = await createTestDatabase("pgdriver");
  driver = createPostgresDriver(db.config, { credentials: db.credentials });
  conn = await driver.connect();
});

afterAll(async () => {
  await conn?.close();
  await db?.drop();
});

describe("postgres driver", () => {
  it("reports native type names with precision, scale and length", async () => {
    await conn.execute(
      {
        sql: "CREATE TABLE typed (d numeric(32,10), v varchar(20), c char(3), t timestamp(6), tz timestamptz(3), i interval, u uuid, j jsonb, a int4[])",
      },
      [],
      {},
    );
    const r = await conn.execute({ sql: "SELECT * FROM typed" }, [], {});
    expect(r.columns.map((c) => c.nativeType)).toEqual([
      "numeric(32,10)",
      "character varying(20)",
      "character(3)",
      "timestamp(6) without time zone",
      "timestamp(3) with time zone",
      "interval",
      "uuid",
      "jsonb",
      "integer[]",
    ]);
    expect(r.columns.map((c) => c.type)).toEqual([
      "decimal",
      "string",
      "string",
      "timestamp",
      "timestamp",
      "interval",
      "string",
      "string",
      "unknown",
    ]);
    expect(r.columns[0]).toMatchObject({ precision: 32, scale: 10 });
    expect(r.columns[1]).toMatchObject({ precision: 20 });
    const described = await conn.describeTable("public", "typed");
    expect(described.columns.map((c) => c.nativeType)).toContain("timestamp(3) with time zone");
  });

  it("keeps offsets only for timestamptz, intervals as text, and numeric specials", async () => {
    const r = await conn.execute(
      {
        sql: "SELECT TIMESTAMPTZ '2024-06-01 12:00:00.5+02' AT TIME ZONE 'UTC' AS plain, (TIMESTAMPTZ '2024-06-01 12:00:00.123456+00') AS tz, INTERVAL '1 day 02:03:04.5' AS i, 'NaN'::numeric AS nan, 12345678901234567890::numeric AS big",
      },
      [],
      {},
    );
    expect(r.rows[0]?.[0]).toEqual({ kind: "timestamp", value: "2024-06-01T10:00:00.5" });
    expect((r.rows[0]?.[1] as { value: string } | undefined)?.value).toMatch(
      /^2024-06-01T\d{2}:00:00\.123456[+-]\d{2}:\d{2}$/,
    );
    expect(r.rows[0]?.[2]).toEqual({ kind: "interval", value: "1 day 02:03:04.5" });
    expect(r.rows[0]?.[3]).toEqual({ kind: "decimal", value: "NaN" });
    expect(r.rows[0]?.[4]).toEqual({ kind: "decimal", value: "12345678901234567890" });
  });

  it("refuses several statements in one request", async () => {
    const error = await conn.execute({ sql: "SELECT 1; SELECT 2" }, [], {}).catch((e: unknown) => e);
    expect((error as DbError).kind).toBe("invalid_statement");
  });

  it("prepares named statements on the server and deallocates them on close", async () => {
    const prepared = await conn.prepare("SELECT ?::int + 1 AS n");
    await conn.execute({ prepared }, [{ kind: "int64", value: 41n }], {});
    const listed = await conn.execute(
      { sql: "SELECT name FROM pg_prepared_statements WHERE name = ?" },
      [{ kind: "string", value: prepared.id }],
      {},
    );
    expect(listed.rows).toHaveLength(1);
    await conn.closePrepared(prepared);
    const after = await conn.execute(
      { sql: "SELECT name FROM pg_prepared_statements WHERE name = ?" },
      [{ kind: "string", value: prepared.id }],
      {},
    );
    expect(after.rows).toHaveLength(0);
  });

  it("cancels a cursor read in the database and keeps the connection usable", async () => {
    const controller = new AbortController();
    const cursor = await conn.openCursor(
      { sql: "SELECT n, pg_sleep(CASE WHEN n > 1 THEN 30 ELSE 0 END) FROM generate_series(1, 3) AS s(n)" },
      [],
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    const error = await cursor.next(10).catch((e: unknown) => e);
    expect((error as DbError).kind).toBe("timeout");
    await cursor.close();
    const activity = await db.admin(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(CASE%' AND state = 'active' AND pid <> pg_backend_pid()",
    );
    expect(activity.rows[0].n).toBe(0);
    const ok = await conn.execute({ sql: "SELECT 1" }, [], {});
    expect(ok.rows).toHaveLength(1);
  });

  it("maps serialization failures to conflict", async () => {
    await conn.execute({ sql: "CREATE TABLE counter (id int PRIMARY KEY, n int)" }, [], {});
    await conn.execute({ sql: "INSERT INTO counter VALUES (1, 0)" }, [], {});
    const other = await driver.connect();
    try {
      await conn.begin("serializable", false);
      await conn.execute({ sql: "SELECT n FROM counter WHERE id = 1" }, [], {});
      await other.execute({ sql: "UPDATE counter SET n = n + 1 WHERE id = 1" }, [], {});
      const error = await conn
        .execute({ sql: "UPDATE counter SET n = n + 10 WHERE id = 1" }, [], {})
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DbError);
      expect((error as DbError).kind).toBe("conflict");
      expect((error as DbError).sqlstate).toBe("40001");
      // Commit of the failed transaction is reported, not silently turned into a rollback.
      await expect(conn.commit()).rejects.toMatchObject({ kind: "transaction_state" });
      expect(conn.inTransaction).toBe(false);
    } finally {
      await other.close();
    }
  });

  it("asks for fresh credentials once when the database rejects them", async () => {
    await db.admin("CREATE ROLE rotating LOGIN PASSWORD 'new-secret'");
    await db.admin(`GRANT CONNECT ON DATABASE "${db.config.database}" TO rotating`);
    const calls: boolean[] = [];
    const rotating = createPostgresDriver(db.config, {
      credentials: async (forceRefresh) => {
        calls.push(forceRefresh);
        return { user: "rotating", password: forceRefresh ? "new-secret" : "old-secret" };
      },
    });
    const c = await rotating.connect();
    expect(calls).toEqual([false, true]);
    await c.close();

    const hopeless = createPostgresDriver(db.config, {
      credentials: async () => ({ user: "rotating", password: "wrong" }),
    });
    const error = await hopeless.connect().catch((e: unknown) => e);
    expect((error as DbError).kind).toBe("authentication_failed");
    expect((error as DbError).message).not.toContain("wrong");
  });

  it("reports an unreachable server as unavailable", async () => {
    const nowhere = createPostgresDriver({ ...db.config, port: 1 }, { credentials: db.credentials });
    const error = await nowhere.connect().catch((e: unknown) => e);
    expect((error as DbError).kind).toBe("unavailable");
  });

  it("loads the PostgreSQL demo schema", async () => {
    const demoDb = await createTestDatabase("demo");
    const demoDriver = createPostgresDriver(demoDb.config, { credentials: demoDb.credentials });
    const c = await demoDriver.connect();
    try {
      await createDemoDatabase("postgres", (sql) => c.execute({ sql }, [], {}));
      for (const { table, rows } of demoRows()) {
        const r = await c.execute({ sql: `SELECT COUNT(*) FROM ${table}` }, [], {});
        expect(r.rows[0]?.[0]).toEqual({ kind: "int64", value: BigInt(rows.length) });
      }
      const p = await c.execute({ sql: "SELECT unit_price, thumbnail FROM products WHERE product_id = 1" }, [], {});
      expect(p.rows[0]?.[0]).toEqual({ kind: "decimal", value: "18.99" });
      expect((p.rows[0]?.[1] as { value: Uint8Array } | undefined)?.value[4]).toBe(0);
      const described = await c.describeTable(undefined, "order_items");
      expect(described.primaryKey).toEqual(["order_id", "line_no"]);
    } finally {
      await c.close();
      await demoDb.drop();
    }
  });

  it("reports errors raised while opening a cursor or reading a capped result, and stays usable", async () => {
    await expect(conn.openCursor({ sql: "SELECT * FROM no_such_table" }, [], {})).rejects.toMatchObject({
      kind: "undefined_object",
      sqlstate: "42P01",
    });
    await expect(conn.execute({ sql: "SELECT 1/0" }, [], { maxRows: 5 })).rejects.toMatchObject({
      kind: "invalid_statement",
      sqlstate: "22012",
    });
    await expect(
      conn.execute({ sql: "SELECT ?::int" }, [{ kind: "string", value: "not a number" }], {}),
    ).rejects.toMatchObject({ kind: "invalid_statement" });
    const ok = await conn.execute({ sql: "SELECT 2 AS two" }, [], { maxRows: 5 });
    expect(ok.rows).toEqual([[{ kind: "int64", value: 2n }]]);
  });
});
