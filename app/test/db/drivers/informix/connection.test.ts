import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { InformixDatabase } from "../../../../src/config/schema.js";
import { InformixConnection, VALIDATION_QUERY } from "../../../../src/db/drivers/informix/connection.js";
import { InformixDriver } from "../../../../src/db/drivers/informix/driver.js";
import { SqlType } from "../../../../src/db/drivers/informix/value-mapping.js";
import { DbError } from "../../../../src/db/errors.js";
import { column, ScriptedIbmDbNoServer } from "./ibm-db-double.js";

const silent = pino({ level: "silent" });

function connectionOn(double: ScriptedIbmDbNoServer): InformixConnection {
  return new InformixConnection(
    double.module(async () => double.database()),
    double.database(),
    silent,
  );
}

describe("InformixConnection over a scripted ibm_db (no server here)", () => {
  it("streams in fetchN batches, reports truncation and frees the statement", async () => {
    const double = new ScriptedIbmDbNoServer().answer("SELECT id FROM t", {
      columns: [column("id", SqlType.INTEGER, "INTEGER", 10)],
      rows: Array.from({ length: 5 }, (_, k) => [k + 1]),
    });
    const connection = connectionOn(double);
    const result = await connection.execute({ sql: "SELECT id FROM t" }, [], { maxRows: 3 });
    expect(result.rows.map((r) => r[0])).toEqual([1n, 2n, 3n].map((value) => ({ kind: "int64", value })));
    expect(result.truncated).toBe(true);
    expect(double.fetchSizes).toEqual([4]);
    expect(double.openStatements).toBe(0);

    const cursor = await connection.openCursor({ sql: "SELECT id FROM t" }, [], {});
    expect(cursor.columns[0]).toMatchObject({ name: "id", type: "int64" });
    expect((await cursor.next(2)).length).toBe(2);
    expect((await cursor.next(2)).length).toBe(2);
    expect((await cursor.next(2)).length).toBe(1);
    expect(await cursor.next(2)).toEqual([]);
    expect(double.openStatements).toBe(0);
  });

  it("reports rows affected of DML and binds int64 as exact text", async () => {
    const double = new ScriptedIbmDbNoServer().answer("UPDATE t SET n = ? WHERE id = ?", { affected: 2 });
    const result = await connectionOn(double).execute(
      { sql: "UPDATE t SET n = ? WHERE id = ?" },
      [
        { kind: "int64", value: 9007199254740993n },
        { kind: "string", value: "a" },
      ],
      {},
    );
    expect(result).toMatchObject({ rowsAffected: 2, rows: [], columns: [] });
    expect(double.log).toContain(
      'execute UPDATE t SET n = ? WHERE id = ? [{"ParamType":"INPUT","CType":"CHAR","SQLType":-5,"Data":"9007199254740993"},"a"]',
    );
  });

  it("re-fetches wide DECIMAL columns as text, once per SQL text", async () => {
    const sql = "SELECT id, amount FROM ledger WHERE id = ?";
    const wrapped = `SELECT q.c1, q.c2::LVARCHAR FROM (${sql}) AS q(c1, c2)`;
    const id = column("id", SqlType.BIGINT, "BIGINT", 19);
    const columns = [id, column("amount", SqlType.DECIMAL, "DECIMAL", 32, 10)];
    const double = new ScriptedIbmDbNoServer()
      .answer(sql, { columns, rows: [["1", 1.2345678901234568e21]] })
      .answer(wrapped, {
        columns: [id, column("c2", SqlType.VARCHAR, "LVARCHAR", 2048)],
        rows: [["9223372036854775807", "1234567890123456789012.0123456789"]],
      });
    const connection = connectionOn(double);
    for (let run = 0; run < 2; run++) {
      const result = await connection.execute({ sql }, [{ kind: "int64", value: 1n }], {});
      expect(result.columns.map((c) => [c.name, c.type, c.nativeType])).toEqual([
        ["id", "int64", "BIGINT"],
        ["amount", "decimal", "DECIMAL(32,10)"],
      ]);
      expect(result.rows[0]).toEqual([
        { kind: "int64", value: 9223372036854775807n },
        { kind: "decimal", value: "1234567890123456789012.0123456789" },
      ]);
    }
    expect(double.log.filter((line) => line === `prepare ${sql}`)).toHaveLength(1);
    expect(double.log.filter((line) => line === `prepare ${wrapped}`)).toHaveLength(2);
    expect(double.openStatements).toBe(0);
  });

  it("maps SET ISOLATION / SET TRANSACTION READ ONLY and restores the default level", async () => {
    const double = new ScriptedIbmDbNoServer()
      .answer("SET ISOLATION TO REPEATABLE READ", {})
      .answer("SET ISOLATION TO COMMITTED READ", {})
      .answer("SET TRANSACTION READ ONLY", {});
    const connection = connectionOn(double);
    await expect(connection.commit()).rejects.toMatchObject({ kind: "transaction_state" });
    await connection.begin("serializable", true);
    expect(connection.inTransaction).toBe(true);
    await expect(connection.begin("default", false)).rejects.toMatchObject({ kind: "transaction_state" });
    await connection.commit();
    await connection.begin("default", false);
    await connection.rollback();
    expect(double.log.filter((line) => !line.startsWith("execute"))).toEqual([
      "prepare SET ISOLATION TO REPEATABLE READ",
      "beginTransaction",
      "prepare SET TRANSACTION READ ONLY",
      "commitTransaction",
      "prepare SET ISOLATION TO COMMITTED READ",
      "beginTransaction",
      "rollbackTransaction",
    ]);
    expect(connection.inTransaction).toBe(false);
  });

  it("maps database errors and retires the connection when the link is gone", async () => {
    const tableMissing = Object.assign(
      new Error("[IBM][CLI Driver][IDS/UNIX64] The specified table (nosuch) is not in the database. SQLSTATE=42S02"),
      {
        sqlcode: -206,
        sqlstate: "42S02",
      },
    );
    const linkDown = Object.assign(
      new Error("[IBM][CLI Driver] SQL30081N  A communication error has been detected. SQLSTATE=08001"),
      {
        sqlcode: -30081,
        sqlstate: "08001",
      },
    );
    const double = new ScriptedIbmDbNoServer()
      .answer("SELECT * FROM nosuch", { error: tableMissing })
      .answer(VALIDATION_QUERY, { error: linkDown });
    const connection = connectionOn(double);
    await expect(connection.execute({ sql: "SELECT * FROM nosuch" }, [], {})).rejects.toMatchObject({
      kind: "undefined_object",
      nativeCode: -206,
      message: "The specified table (nosuch) is not in the database.",
    });
    expect(connection.broken).toBe(false);
    await expect(connection.validate()).rejects.toMatchObject({ kind: "unavailable" });
    expect(connection.broken).toBe(true);
    expect(double.openStatements).toBe(0);
  });

  it("on abort rejects with timeout and retires the connection (ibm_db has no cancel)", async () => {
    const double = new ScriptedIbmDbNoServer().answer("SELECT slow FROM t", { hang: true });
    const connection = connectionOn(double);
    const controller = new AbortController();
    const pending = connection.execute({ sql: "SELECT slow FROM t" }, [], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: "timeout", connectionBroken: true });
    expect(connection.broken).toBe(true);
    await expect(connection.execute({ sql: "SELECT 1" }, [], {})).rejects.toMatchObject({ kind: "unavailable" });
  });

  it("prepares once and counts ? outside strings", async () => {
    const double = new ScriptedIbmDbNoServer().answer("SELECT a FROM t WHERE a = ? AND b = '?'", {
      columns: [column("a", SqlType.VARCHAR, "VARCHAR", 10)],
      rows: [["x"]],
    });
    const connection = connectionOn(double);
    const prepared = await connection.prepare("SELECT a FROM t WHERE a = ? AND b = '?'");
    expect(prepared.parameterCount).toBe(1);
    for (let run = 0; run < 2; run++) {
      const result = await connection.execute({ prepared }, [{ kind: "string", value: "x" }], {});
      expect(result.rows).toEqual([[{ kind: "string", value: "x" }]]);
    }
    expect(double.log.filter((line) => line.startsWith("prepare"))).toHaveLength(1);
    await connection.closePrepared(prepared);
    expect(double.openStatements).toBe(0);
    await expect(connection.execute({ prepared }, [], {})).rejects.toBeInstanceOf(DbError);
  });
});

describe("InformixDriver.connect", () => {
  it("retries once with refreshed credentials and never logs the password", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "debug" },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const double = new ScriptedIbmDbNoServer();
    const seen: string[] = [];
    const module = double.module(async (connectionString) => {
      seen.push(connectionString);
      if (seen.length === 1) {
        throw Object.assign(
          new Error("[IBM][CLI Driver][IDS/UNIX64] Incorrect password or user is not known. SQLSTATE=28000"),
          {
            sqlcode: -951,
            sqlstate: "28000",
          },
        );
      }
      return double.database();
    });
    const refreshes: boolean[] = [];
    const driver = new InformixDriver(InformixDatabase.parse({ driver: "informix", host: "db", database: "stores" }), {
      ibmdb: module,
      logger,
      credentials: async (forceRefresh) => {
        refreshes.push(forceRefresh);
        return { user: "informix", password: forceRefresh ? "new-Secret" : "old-Secret" };
      },
    });
    const connection = await driver.connect();
    expect(connection.driver).toBe("informix");
    expect(refreshes).toEqual([false, true]);
    expect(seen[1]).toContain("PWD=new-Secret;");
    const logged = lines.join("");
    expect(logged).toContain("PWD=*****");
    expect(logged).not.toContain("Secret");
  });

  it("reports an unreachable server as unavailable", async () => {
    const double = new ScriptedIbmDbNoServer();
    const driver = new InformixDriver(InformixDatabase.parse({ driver: "informix", host: "db", database: "stores" }), {
      ibmdb: double.module(async () => {
        throw Object.assign(
          new Error(
            "[IBM][CLI Driver] SQL1013N  The database alias name or database name could not be found. SQLSTATE=42705",
          ),
          {
            sqlcode: -1013,
            sqlstate: "42705",
          },
        );
      }),
      logger: silent,
      credentials: async () => undefined,
    });
    await expect(driver.connect()).rejects.toMatchObject({ kind: "unavailable" });
  });
});

describe("wide DECIMAL the server will not nest", () => {
  it("is refused with a hint, never rounded", async () => {
    const sql = "SELECT amount FROM ledger";
    const wrapped = `SELECT q.c1::LVARCHAR FROM (${sql}) AS q(c1)`;
    const syntax = Object.assign(
      new Error("[IBM][CLI Driver][IDS/UNIX64] A syntax error has occurred. SQLSTATE=42000"),
      {
        sqlcode: -201,
        sqlstate: "42000",
      },
    );
    const double = new ScriptedIbmDbNoServer().answer(sql, {
      columns: [column("amount", SqlType.DECIMAL, "DECIMAL", 32, 10)],
      rows: [[0.1]],
    });
    const database = double.database();
    const prepare = database.prepare.bind(database);
    database.prepare = async (text: string) => {
      if (text === wrapped) throw syntax;
      return prepare(text);
    };
    const connection = new InformixConnection(
      double.module(async () => database),
      database,
      silent,
    );
    await expect(connection.execute({ sql }, [], {})).rejects.toMatchObject({
      kind: "unsupported",
      message: expect.stringContaining("CAST them to LVARCHAR"),
    });
    expect(double.openStatements).toBe(0);
  });
});
