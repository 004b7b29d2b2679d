// The driver contract: the same cases run against every driver (sqlite, postgres, and informix where a
// server is available). A target supplies a driver factory and the dialect details the cases need.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection, Driver, DriverName } from "../../src/db/driver.js";
import { DbError, type DbErrorKind } from "../../src/db/errors.js";
import type { SqlValue } from "../../src/db/values.js";

export interface ContractTarget {
  name: DriverName;
  createDriver(): Promise<Driver>;
  /** Column type names for the round-trip table. */
  types: {
    int: string;
    bigint: string;
    text: string;
    bytes: string;
    decimal32_10: string;
    date: string;
    timestamp6: string;
    double: string;
    bool: string;
  };
  /** A query returning the integers 1..n in a column named n. */
  seriesSql(n: number): string;
  /** A statement that runs for about 30 s unless cancelled. */
  longRunningSql: string;
  /** Fraction digits the timestamp column keeps (Informix DATETIME stops at FRACTION(5)). Default 6. */
  timestampFractionDigits?: 5 | 6;
  cleanup?(): Promise<void>;
}

const v = {
  null: (): SqlValue => ({ kind: "null" }),
  int: (value: bigint): SqlValue => ({ kind: "int64", value }),
  str: (value: string): SqlValue => ({ kind: "string", value }),
  bytes: (value: number[]): SqlValue => ({ kind: "bytes", value: new Uint8Array(value) }),
  dec: (value: string): SqlValue => ({ kind: "decimal", value }),
  date: (value: string): SqlValue => ({ kind: "date", value }),
  ts: (value: string): SqlValue => ({ kind: "timestamp", value }),
  dbl: (value: number): SqlValue => ({ kind: "double", value }),
  bool: (value: boolean): SqlValue => ({ kind: "bool", value }),
};

async function expectDbError(work: Promise<unknown>, kind: DbErrorKind): Promise<DbError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected DbError(${kind})`).toBeInstanceOf(DbError);
  expect((error as DbError).kind).toBe(kind);
  return error as DbError;
}

const sql = (text: string) => ({ sql: text });

export function driverContract(target: ContractTarget): void {
  describe(`driver contract: ${target.name}`, () => {
    let driver: Driver;
    let conn: Connection;
    const t = target.types;

    beforeAll(async () => {
      driver = await target.createDriver();
      conn = await driver.connect();
      await conn.execute(
        sql(`CREATE TABLE vals (
          id ${t.int} NOT NULL PRIMARY KEY,
          s ${t.text}, b ${t.bytes}, d ${t.decimal32_10}, n ${t.bigint},
          dt ${t.date}, ts ${t.timestamp6}, f ${t.double}, flag ${t.bool})`),
        [],
        {},
      );
      await conn.execute(
        sql(`CREATE TABLE people (id ${t.int} NOT NULL PRIMARY KEY, email ${t.text} NOT NULL UNIQUE, name ${t.text})`),
        [],
        {},
      );
    });

    afterAll(async () => {
      await conn?.close();
      await driver?.close();
      await target.cleanup?.();
    });

    it("reports its product and version and validates", async () => {
      expect(await conn.serverVersion()).toMatch(/^(SQLite|PostgreSQL|IBM Informix)/);
      await expect(conn.validate()).resolves.toBeUndefined();
      expect(conn.driver).toBe(target.name);
      expect(conn.broken).toBe(false);
    });

    it("round-trips values losslessly", async () => {
      const digits = target.timestampFractionDigits ?? 6;
      const ts1 = `2024-02-29T13:45:12.${"123456".slice(0, digits)}`;
      const ts2 = `1999-12-31T23:59:59.${"000001".slice(-digits).padStart(digits, "0")}`;
      const rows: SqlValue[][] = [
        [
          v.int(1n),
          v.str(""),
          v.bytes([]),
          v.dec("1234567890123456789012.0123456789"),
          v.int(9223372036854775807n),
          v.date("2024-02-29"),
          v.ts(ts1),
          v.dbl(1.5),
          v.bool(true),
        ],
        [
          v.int(2n),
          v.null(),
          v.null(),
          v.dec("-0.0000000001"),
          v.int(-9223372036854775808n),
          v.date("1900-01-01"),
          v.ts(ts2),
          v.dbl(-2.25e-10),
          v.bool(false),
        ],
        [
          v.int(3n),
          v.str("Grüße, 世界 🎉 'quoted' \"double\""),
          v.bytes([0, 1, 0, 255, 0]),
          v.null(),
          v.null(),
          v.null(),
          v.null(),
          v.null(),
          v.null(),
        ],
      ];
      for (const row of rows) {
        const result = await conn.execute(
          sql("INSERT INTO vals (id, s, b, d, n, dt, ts, f, flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          row,
          {},
        );
        expect(result.rowsAffected).toBe(1);
      }
      const result = await conn.execute(sql("SELECT id, s, b, d, n, dt, ts, f, flag FROM vals ORDER BY id"), [], {});
      expect(result.columns.map((c) => c.type)).toEqual([
        "int64",
        "string",
        "bytes",
        "decimal",
        "int64",
        "date",
        "timestamp",
        "double",
        "bool",
      ]);
      const decimalColumn = result.columns[3];
      expect([decimalColumn?.precision, decimalColumn?.scale]).toEqual([32, 10]);
      expect(result.rowsAffected).toBe(0);
      expect(result.truncated).toBe(false);

      const [one, two, three] = result.rows;
      expect(one?.[1]).toEqual(v.str("")); // empty string is not NULL
      expect(two?.[1]).toEqual(v.null());
      expect(one?.[2]).toEqual(v.bytes([]));
      expect(three?.[2]).toEqual(v.bytes([0, 1, 0, 255, 0]));
      expect(three?.[1]).toEqual(v.str("Grüße, 世界 🎉 'quoted' \"double\""));
      expect(one?.[3]).toEqual(v.dec("1234567890123456789012.0123456789"));
      expect(two?.[3]).toEqual(v.dec("-0.0000000001"));
      expect(one?.[4]).toEqual(v.int(9223372036854775807n));
      expect(two?.[4]).toEqual(v.int(-9223372036854775808n));
      expect(one?.[5]).toEqual(v.date("2024-02-29"));
      expect(one?.[6]).toEqual(v.ts(ts1));
      expect(two?.[6]).toEqual(v.ts(ts2));
      expect(one?.[7]).toEqual(v.dbl(1.5));
      expect(two?.[7]).toEqual(v.dbl(-2.25e-10));
      expect(one?.[8]).toEqual(v.bool(true));
      expect(two?.[8]).toEqual(v.bool(false));
      expect(three?.slice(3)).toEqual([v.null(), v.null(), v.null(), v.null(), v.null(), v.null()]);
    });

    it("binds parameters in WHERE clauses and keeps ? inside strings as text", async () => {
      const result = await conn.execute(
        sql("SELECT id, '?' AS q FROM vals WHERE n = ?"),
        [v.int(9223372036854775807n)],
        {},
      );
      expect(result.rows).toEqual([[v.int(1n), v.str("?")]]);
    });

    it("caps results at maxRows and says truncated", async () => {
      const result = await conn.execute(sql(target.seriesSql(25)), [], { maxRows: 10 });
      expect(result.rows).toHaveLength(10);
      expect(result.truncated).toBe(true);
      const whole = await conn.execute(sql(target.seriesSql(25)), [], { maxRows: 25 });
      expect(whole.rows).toHaveLength(25);
      expect(whole.truncated).toBe(false);
    });

    it("maps errors to kinds", async () => {
      await expectDbError(conn.execute(sql("SELEKT 1"), [], {}), "invalid_statement");
      await expectDbError(conn.execute(sql("SELECT * FROM no_such_table"), [], {}), "undefined_object");
      await expectDbError(conn.execute(sql("SELECT no_such_column FROM vals"), [], {}), "undefined_object");
      await expectDbError(conn.execute(sql("SELECT id FROM vals WHERE id = ?"), [], {}), "invalid_statement");
      await expectDbError(
        conn.execute(sql("SELECT id FROM vals WHERE id = ?"), [v.int(1n), v.int(2n)], {}),
        "invalid_statement",
      );
      await conn.execute(
        sql("INSERT INTO people (id, email, name) VALUES (?, ?, ?)"),
        [v.int(1n), v.str("a@example.com"), v.str("A")],
        {},
      );
      const unique = await expectDbError(
        conn.execute(
          sql("INSERT INTO people (id, email, name) VALUES (?, ?, ?)"),
          [v.int(2n), v.str("a@example.com"), v.str("B")],
          {},
        ),
        "unique_violation",
      );
      expect(unique.message).not.toMatch(/password/i);
      await expectDbError(
        conn.execute(
          sql("INSERT INTO people (id, email, name) VALUES (?, ?, ?)"),
          [v.int(3n), v.null(), v.str("C")],
          {},
        ),
        "constraint_violation",
      );
      await expectDbError(conn.commit(), "transaction_state");
      await expectDbError(conn.rollback(), "transaction_state");
      // The connection is still fine after all of that.
      const ok = await conn.execute(sql("SELECT COUNT(*) AS c FROM people"), [], {});
      expect(ok.rows[0]?.[0]).toEqual(v.int(1n));
    });

    it("runs prepared statements repeatedly and closes them", async () => {
      const insert = await conn.prepare("INSERT INTO people (id, email, name) VALUES (?, ?, ?)");
      expect(insert.parameterCount).toBe(3);
      for (let i = 10; i < 13; i++) {
        const r = await conn.execute(
          { prepared: insert },
          [v.int(BigInt(i)), v.str(`p${i}@example.com`), v.str(`P${i}`)],
          {},
        );
        expect(r.rowsAffected).toBe(1);
      }
      await expectDbError(conn.execute({ prepared: insert }, [v.int(99n)], {}), "invalid_statement");
      const select = await conn.prepare("SELECT name FROM people WHERE id >= ? ORDER BY id");
      const rows = await conn.execute({ prepared: select }, [v.int(10n)], {});
      expect(rows.rows).toEqual([[v.str("P10")], [v.str("P11")], [v.str("P12")]]);
      await conn.closePrepared(insert);
      await conn.closePrepared(select);
      await expectDbError(conn.prepare("SELECT FROM WHERE"), "invalid_statement");
    });

    it("commits and rolls back transactions", async () => {
      expect(conn.inTransaction).toBe(false);
      await conn.begin("default", false);
      expect(conn.inTransaction).toBe(true);
      await conn.execute(
        sql("INSERT INTO people (id, email) VALUES (?, ?)"),
        [v.int(20n), v.str("rolled@example.com")],
        {},
      );
      await conn.rollback();
      expect(conn.inTransaction).toBe(false);
      await conn.begin("serializable", false);
      await conn.execute(
        sql("INSERT INTO people (id, email) VALUES (?, ?)"),
        [v.int(21n), v.str("kept@example.com")],
        {},
      );
      await conn.commit();
      const result = await conn.execute(sql("SELECT id FROM people WHERE id IN (20, 21)"), [], {});
      expect(result.rows).toEqual([[v.int(21n)]]);
    });

    it("refuses writes in a read-only transaction", async () => {
      await conn.begin("default", true);
      await expectDbError(
        conn.execute(sql("INSERT INTO people (id, email) VALUES (?, ?)"), [v.int(30n), v.str("ro@example.com")], {}),
        "permission_denied",
      );
      await conn.rollback();
      const after = await conn.execute(
        sql("INSERT INTO people (id, email) VALUES (?, ?)"),
        [v.int(30n), v.str("rw@example.com")],
        {},
      );
      expect(after.rowsAffected).toBe(1);
    });

    it("streams through a cursor and closes it mid-result", async () => {
      const cursor = await conn.openCursor(sql(target.seriesSql(5000)), [], {});
      expect(cursor.columns.map((c) => c.name.toLowerCase())).toEqual(["n"]);
      expect(cursor.columns[0]?.type).toBe("int64");
      const first = await cursor.next(100);
      expect(first).toHaveLength(100);
      expect(first[0]).toEqual([v.int(1n)]);
      const second = await cursor.next(100);
      expect(second[0]).toEqual([v.int(101n)]);
      await cursor.close();
      await cursor.close(); // idempotent
      expect(await cursor.next(10)).toEqual([]);
      // The connection serves the next statement at once.
      const after = await conn.execute(sql("SELECT COUNT(*) FROM people"), [], {});
      expect(after.rows).toHaveLength(1);
    });

    it("reads a cursor to its end", async () => {
      const cursor = await conn.openCursor(sql(target.seriesSql(250)), [], {});
      let total = 0;
      for (;;) {
        const batch = await cursor.next(100);
        if (batch.length === 0) break;
        total += batch.length;
      }
      expect(total).toBe(250);
      expect(cursor.rowsAffected).toBe(0);
      await cursor.close();
    });

    it("reports rows affected by a statement run through a cursor", async () => {
      const cursor = await conn.openCursor(
        sql("UPDATE people SET name = ? WHERE id BETWEEN ? AND ?"),
        [v.str("renamed"), v.int(10n), v.int(12n)],
        {},
      );
      expect(cursor.columns).toEqual([]);
      expect(await cursor.next(10)).toEqual([]);
      expect(cursor.rowsAffected).toBe(3);
      await cursor.close();
    });

    it("cancels a running statement on abort and keeps the connection usable", async () => {
      const controller = new AbortController();
      const running = conn.execute(sql(target.longRunningSql), [], { signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      await expectDbError(running, "timeout");
      expect(conn.broken).toBe(false);
      const after = await conn.execute(sql("SELECT COUNT(*) FROM people"), [], {});
      expect(after.rows).toHaveLength(1);
    });

    it("rejects a statement whose signal is already aborted", async () => {
      await expectDbError(conn.execute(sql("SELECT 1"), [], { signal: AbortSignal.abort() }), "timeout");
    });

    it("lists and describes tables", async () => {
      const tables = await conn.listTables({ includeViews: false });
      expect(tables.map((x) => x.name.toLowerCase())).toEqual(expect.arrayContaining(["vals", "people"]));
      const filtered = await conn.listTables({ includeViews: false, namePattern: "peo%" });
      expect(filtered.map((x) => x.name.toLowerCase())).toEqual(["people"]);
      const people = await conn.describeTable(undefined, "people");
      expect(people.columns.map((c) => c.name.toLowerCase())).toEqual(["id", "email", "name"]);
      expect(people.columns.map((c) => c.nullable)).toEqual([false, false, true]);
      expect(people.primaryKey.map((c) => c.toLowerCase())).toEqual(["id"]);
      const emailIndex = people.indexes.find((i) => i.columns.map((c) => c.toLowerCase()).join() === "email");
      expect(emailIndex?.unique).toBe(true);
      const vals = await conn.describeTable(undefined, "vals");
      const d = vals.columns.find((c) => c.name.toLowerCase() === "d");
      expect(d).toMatchObject({ type: "decimal", precision: 32, scale: 10 });
      await expectDbError(conn.describeTable(undefined, "no_such_table"), "undefined_object");
    });
  });
}
