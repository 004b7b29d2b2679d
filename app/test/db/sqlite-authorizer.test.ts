// SQLite's authorizer as the second wall: a real node:sqlite database asked to compile statements for callers
// with different grant classes. Refused statements must not run and must not touch the disk.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatementClass } from "../../src/core/parsed-statement.js";
import { actionNeed, prepareAuthorized } from "../../src/db/drivers/sqlite/authorizer.js";
import { SqliteConnection } from "../../src/db/drivers/sqlite/connection.js";
import { DbError } from "../../src/db/errors.js";

const READER: ReadonlySet<StatementClass> = new Set(["read"]);
const WRITER: ReadonlySet<StatementClass> = new Set(["read", "write"]);
const MIGRATOR: ReadonlySet<StatementClass> = new Set(["read", "write", "ddl"]);
const ADMIN: ReadonlySet<StatementClass> = new Set(["read", "write", "ddl", "admin", "procedure"]);

describe("actionNeed: SQLite's action codes to grant classes", () => {
  it.each([
    [constants.SQLITE_SELECT, null, null, "read"],
    [constants.SQLITE_READ, "customer", "name", "read"],
    [constants.SQLITE_FUNCTION, null, "upper", "read"],
    [constants.SQLITE_FUNCTION, null, "LOAD_EXTENSION", "never"],
    [constants.SQLITE_FUNCTION, null, "fts3_tokenizer", "never"],
    [constants.SQLITE_INSERT, "customer", null, "write"],
    [constants.SQLITE_UPDATE, "customer", "name", "write"],
    [constants.SQLITE_DELETE, "customer", null, "write"],
    [constants.SQLITE_INSERT, "sqlite_master", null, "schema"],
    [constants.SQLITE_UPDATE, "sqlite_schema", "sql", "schema"],
    [constants.SQLITE_CREATE_TABLE, "sqlite_stat1", null, "admin"],
    [constants.SQLITE_INSERT, "sqlite_stat1", null, "admin"],
    [constants.SQLITE_CREATE_TABLE, "x", null, "ddl"],
    [constants.SQLITE_CREATE_TEMP_VIEW, "x", null, "ddl"],
    [constants.SQLITE_DROP_TRIGGER, "x", "t", "ddl"],
    [constants.SQLITE_ALTER_TABLE, "main", "t", "ddl"],
    [constants.SQLITE_ATTACH, "/tmp/x.db", null, "admin"],
    [constants.SQLITE_DETACH, "x", null, "admin"],
    [constants.SQLITE_ANALYZE, "t", null, "admin"],
    [constants.SQLITE_REINDEX, "i", null, "admin"],
    [constants.SQLITE_PRAGMA, "table_info", "customer", "read"],
    [constants.SQLITE_PRAGMA, "user_version", null, "read"],
    [constants.SQLITE_PRAGMA, "user_version", "5", "admin"],
    [constants.SQLITE_PRAGMA, "writable_schema", null, "admin"],
    [constants.SQLITE_PRAGMA, "wal_checkpoint", null, "admin"],
    [constants.SQLITE_TRANSACTION, "BEGIN", null, "read"],
    [9999, null, null, "admin"],
  ])("code %i (%s, %s) needs %s", (code, arg1, arg2, need) => {
    expect(actionNeed(code, arg1, arg2)).toBe(need);
  });
});

describe("prepareAuthorized on a real database", () => {
  let dir: string;
  let db: DatabaseSync;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "igp-authorizer-"));
    db = new DatabaseSync(join(dir, "main.db"));
    db.exec("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customer VALUES (1, 'a')");
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusedFor = (sql: string, permits: ReadonlySet<StatementClass>): DbError | undefined => {
    try {
      prepareAuthorized(db, sql, permits).run();
      return undefined;
    } catch (error) {
      return error as DbError;
    }
  };

  it("lets a reader read, including PRAGMA queries and recursive CTEs", () => {
    for (const sql of [
      "SELECT * FROM customer",
      "SELECT upper(name) FROM customer WHERE id IN (SELECT 1)",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
      "PRAGMA table_info(customer)",
      "SELECT * FROM pragma_table_info('customer')",
      "PRAGMA user_version",
    ]) {
      expect(refusedFor(sql, READER), sql).toBeUndefined();
    }
  });

  it("refuses a reader every write, schema change, ATTACH, PRAGMA write and VACUUM, and nothing changes", () => {
    const attached = join(dir, "attached.db");
    const vacuumed = join(dir, "vacuumed.db");
    for (const sql of [
      "INSERT INTO customer VALUES (2, 'b')",
      "UPDATE customer SET name = 'x'",
      "DELETE FROM customer",
      "REPLACE INTO customer VALUES (1, 'z')",
      "CREATE TABLE intruder (a)",
      "CREATE TEMP TABLE intruder (a)",
      "DROP TABLE customer",
      "ALTER TABLE customer ADD COLUMN b",
      "CREATE TRIGGER t AFTER INSERT ON customer BEGIN DELETE FROM customer; END",
      `ATTACH DATABASE '${attached}' AS other`,
      "PRAGMA user_version = 7",
      "PRAGMA writable_schema = ON",
      "PRAGMA journal_mode = DELETE",
      "ANALYZE",
      "VACUUM",
      `VACUUM INTO '${vacuumed}'`,
      "REINDEX",
      "SELECT load_extension('/tmp/evil.so')",
    ]) {
      const error = refusedFor(sql, READER);
      expect(error, sql).toBeInstanceOf(DbError);
      expect(error?.kind, sql).toBe("permission_denied");
      expect(error?.message, sql).toContain("authorizer");
    }
    expect(db.prepare("SELECT count(*) AS n, max(name) AS m FROM customer").get()).toEqual({ n: 1, m: "a" });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema").get()).toEqual({ n: 1 });
    expect(db.prepare("PRAGMA user_version").get()).toEqual({ user_version: 0 });
    expect(existsSync(attached)).toBe(false);
    expect(existsSync(vacuumed)).toBe(false);
  });

  it("gives each class what it covers and no more", () => {
    expect(refusedFor("INSERT INTO customer VALUES (3, 'c')", WRITER)).toBeUndefined();
    expect(refusedFor("CREATE TABLE w (a)", WRITER)?.kind).toBe("permission_denied");
    expect(refusedFor("CREATE TABLE m (a)", MIGRATOR)).toBeUndefined();
    expect(refusedFor("DROP TABLE m", MIGRATOR)).toBeUndefined();
    expect(refusedFor("PRAGMA user_version = 3", MIGRATOR)?.kind).toBe("permission_denied");
    expect(refusedFor("PRAGMA user_version = 3", ADMIN)).toBeUndefined();
    expect(refusedFor("VACUUM", ADMIN)).toBeUndefined();
    expect(refusedFor("ANALYZE", new Set<StatementClass>(["read", "admin"]))).toBeUndefined();
    expect(refusedFor("CREATE TABLE a (b)", new Set<StatementClass>(["read", "admin"]))?.kind).toBe(
      "permission_denied",
    );
    // No class allows loading native code.
    expect(refusedFor("SELECT load_extension('/tmp/evil.so')", ADMIN)?.message).toContain("never");
  });

  it("removes the authorizer afterwards: the driver's own statements are not limited", () => {
    prepareAuthorized(db, "SELECT 1", READER);
    expect(() => db.exec("PRAGMA user_version = 0")).not.toThrow();
  });
});

describe("SqliteConnection with the caller's permits", () => {
  let dir: string;
  let connection: SqliteConnection;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "igp-authorizer-conn-"));
    connection = new SqliteConnection({ path: join(dir, "c.db"), readOnly: false });
    await connection.execute({ sql: "CREATE TABLE t (a INTEGER)" }, [], {});
  });
  afterAll(async () => {
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses in execute, openCursor and prepare, and runs the proxy's own statements unlimited", async () => {
    const permits = READER;
    await expect(connection.execute({ sql: "INSERT INTO t VALUES (1)" }, [], { permits })).rejects.toMatchObject({
      kind: "permission_denied",
    });
    await expect(connection.openCursor({ sql: "DELETE FROM t" }, [], { permits })).rejects.toMatchObject({
      kind: "permission_denied",
    });
    await expect(connection.prepare("DROP TABLE t", { permits })).rejects.toMatchObject({ kind: "permission_denied" });
    const read = await connection.execute({ sql: "SELECT count(*) AS n FROM t" }, [], { permits });
    expect(read.rows).toHaveLength(1);
    await connection.begin("default", true); // PRAGMA query_only, outside the authorizer
    await connection.rollback();
    await connection.execute({ sql: "INSERT INTO t VALUES (?)" }, [{ kind: "int64", value: 1n }], {
      permits: WRITER,
    });
    const count = await connection.execute({ sql: "SELECT count(*) AS n FROM t" }, [], {});
    expect(count.rows[0]?.[0]).toEqual({ kind: "int64", value: 1n });
  });
});
