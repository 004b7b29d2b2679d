import { describe, expect, it } from "vitest";
import { classify, classifyStatements, type StatementClass } from "../../src/sql/classifier.js";
import { splitStatements } from "../../src/sql/statements.js";
import { SqlSyntaxError, tokenize } from "../../src/sql/tokenizer.js";

const cls = (sql: string): StatementClass => classify(sql).statementClass;

describe("classify: statement classes", () => {
  it.each<[string, StatementClass]>([
    ["SELECT 1", "read"],
    ["select * from t where a = ?", "read"],
    ["VALUES (1, 2)", "read"],
    ["WITH x AS (SELECT 1 AS a) SELECT a FROM x", "read"],
    ["WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r", "read"],
    ["(SELECT 1) UNION (SELECT 2)", "read"],
    ["SELECT * FROM t FOR UPDATE", "read"],
    ["EXPLAIN SELECT 1", "read"],
    ["INSERT INTO t VALUES (1)", "write"],
    ["UpDaTe t SET a = 1", "write"],
    ["DELETE FROM t", "write"],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a", "write"],
    ["WITH x AS (SELECT id FROM old) DELETE FROM t WHERE id IN (SELECT id FROM x)", "write"],
    ["WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "write"],
    ["WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "write"],
    ["EXPLAIN ANALYZE DELETE FROM t", "write"],
    ["EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", "write"],
    ["CREATE TABLE t (a INT)", "ddl"],
    ["alter table t add column b int", "ddl"],
    ["DROP TABLE t", "ddl"],
    ["RENAME TABLE a TO b", "ddl"],
    ["TRUNCATE TABLE t", "ddl"],
    ["GRANT SELECT ON t TO public", "ddl"],
    ["REVOKE ALL ON t FROM bob", "ddl"],
    ["COMMENT ON TABLE t IS 'x'", "ddl"],
    ["EXECUTE PROCEDURE p(1, 'a')", "procedure"],
    ["execute function f()", "procedure"],
    ["CALL p()", "procedure"],
    ["UPDATE STATISTICS HIGH FOR TABLE t", "admin"],
    ["update statistics", "admin"],
    ["SET EXPLAIN ON", "admin"],
    ["SET PDQPRIORITY 50", "admin"],
    ["SET LOCK MODE TO WAIT 10", "admin"],
    ["LOCK TABLE t IN EXCLUSIVE MODE", "admin"],
    ["UNLOCK TABLE t", "admin"],
    ["SET search_path = app", "admin"],
    ["VACUUM", "admin"],
    ["PRAGMA journal_mode", "admin"],
    ["START VIOLATIONS TABLE FOR t", "admin"],
    ["FROBNICATE everything", "admin"],
    ["BEGIN", "transaction"],
    ["BEGIN WORK", "transaction"],
    ["COMMIT WORK", "transaction"],
    ["ROLLBACK", "transaction"],
    ["ROLLBACK TO SAVEPOINT s1", "transaction"],
    ["SAVEPOINT s1", "transaction"],
    ["RELEASE SAVEPOINT s1", "transaction"],
    ["START TRANSACTION", "transaction"],
    ["SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "transaction"],
    ["SET ISOLATION TO COMMITTED READ LAST COMMITTED", "transaction"],
    ["DATABASE other_db", "session"],
    ["database other_db", "session"],
    ["CONNECT TO 'db@server'", "session"],
    ["DISCONNECT CURRENT", "session"],
    ["SET CONNECTION 'c1'", "session"],
    ["set session authorization to 'bob'", "session"],
    ["SET ROLE admin", "session"],
    ["CLOSE DATABASE", "session"],
    ["", "empty"],
    ["   \t\r\n ", "empty"],
    ["-- only a comment", "empty"],
    ["/* a */ {b} -- c\n ; ;", "empty"],
  ])("%s -> %s", (sql, expected) => {
    expect(cls(sql)).toBe(expected);
  });
});

describe("classify: comments and literals cannot hide or fake keywords", () => {
  it.each<[string, StatementClass]>([
    ["/* DROP */ SELECT 1", "read"],
    ["{DROP} SELECT 1", "read"],
    ["{DROP TABLE t;} SELECT 1", "read"],
    ["SELECT 1 -- ; DROP TABLE x", "read"],
    ["-- DELETE FROM t\nSELECT 1", "read"],
    ["SELECT 'x; DROP TABLE t' FROM t", "read"],
    ['SELECT "DROP;" FROM t', "read"],
    ["SELECT '{' FROM t WHERE a = '--' AND b = '/*'", "read"],
    ["/* SELECT */ DROP TABLE t", "ddl"],
    ["{ SELECT } DELETE FROM t", "write"],
    ["\u00a0\tSeLeCt\r\n1", "read"],
  ])("%s -> %s", (sql, expected) => {
    expect(classify(sql)).toMatchObject({ statementClass: expected, statementCount: 1 });
  });

  it("does not treat a nested-looking comment closer as closing twice", () => {
    // Informix: the comment ends at the first */, so DROP is a real statement after it.
    expect(classify("/* a /* b */ DROP TABLE t")).toMatchObject({ statementClass: "ddl", firstKeyword: "DROP" });
  });

  it("rejects unterminated strings, identifiers and comments", () => {
    for (const sql of ["SELECT 'abc", 'SELECT "abc', "SELECT 1 /* x", "SELECT 1 { x", "SELECT 'a'' ; DROP TABLE t"]) {
      expect(() => classify(sql)).toThrow(SqlSyntaxError);
    }
  });
});

describe("classify: statement count", () => {
  it.each<[string, number]>([
    ["SELECT 1", 1],
    ["SELECT 1;", 1],
    ["SELECT 1;;;", 1],
    [";SELECT 1", 1],
    ["SELECT 1; SELECT 2", 2],
    ["SELECT ';'; SELECT \";\"", 2],
    ["SELECT 1; -- ; SELECT 2", 1],
    ["SELECT 1; /* ; */ SELECT 2 {;}", 2],
    ["", 0],
    [";", 0],
  ])("%s -> %d", (sql, count) => {
    expect(classify(sql).statementCount).toBe(count);
  });

  it("summarises a batch by its most dangerous statement", () => {
    expect(classify("SELECT 1; DROP TABLE x;")).toEqual({
      statementClass: "ddl",
      statementCount: 2,
      firstKeyword: "SELECT",
      selectIntoTemp: false,
      returnsRows: true,
    });
    expect(classify("BEGIN WORK; INSERT INTO t VALUES (1); COMMIT WORK").statementClass).toBe("write");
    expect(classify("SELECT 1; SELECT 2").statementClass).toBe("read");
  });

  it("classifies each statement of a batch", () => {
    expect(classifyStatements("begin; delete from t; commit").map((s) => s.statementClass)).toEqual([
      "transaction",
      "write",
      "transaction",
    ]);
  });

  it("keeps an Informix SPL routine with semicolons in its body as one statement", () => {
    const sql = [
      "CREATE PROCEDURE add_row(v INT)",
      "  DEFINE x INT;",
      "  LET x = v + 1; -- comment ;",
      "  IF x > 10 THEN INSERT INTO t VALUES (x); END IF;",
      "END PROCEDURE;",
      "CREATE DBA FUNCTION f() RETURNING INT; RETURN 1; END FUNCTION;",
      "EXECUTE PROCEDURE add_row(1)",
    ].join("\n");
    const statements = classifyStatements(sql);
    expect(statements.map((s) => `${s.firstKeyword}:${s.statementClass}`)).toEqual([
      "CREATE:ddl",
      "CREATE:ddl",
      "EXECUTE:procedure",
    ]);
  });

  it("keeps a SQLite trigger body and a PostgreSQL BEGIN ATOMIC body whole", () => {
    const trigger =
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = CASE WHEN 1 THEN 2 END; DELETE FROM v; END; SELECT 2";
    expect(classify(trigger)).toMatchObject({ statementCount: 2, statementClass: "ddl" });
    const atomic = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3";
    expect(classify(atomic).statementCount).toBe(2);
  });

  it("splits after a PostgreSQL $$ function body", () => {
    const sql = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END; $$ LANGUAGE plpgsql; DROP TABLE t";
    const statements = splitStatements(tokenize(sql));
    expect(statements).toHaveLength(2);
    expect(statements[1]?.map((t) => t.text).join(" ")).toBe("DROP TABLE t");
  });
});

describe("classify: SELECT INTO, returnsRows and firstKeyword", () => {
  it("SELECT ... INTO TEMP is a write that creates a table", () => {
    expect(classify("SELECT a, b FROM t WHERE a > 1 INTO TEMP tt WITH NO LOG")).toEqual({
      statementClass: "write",
      statementCount: 1,
      firstKeyword: "SELECT",
      selectIntoTemp: true,
      returnsRows: false,
    });
    expect(classify("SELECT * FROM t INTO SCRATCH s").selectIntoTemp).toBe(true);
    expect(classify("SELECT * INTO new_table FROM t").selectIntoTemp).toBe(true);
    expect(classify("WITH x AS (SELECT 1 a) SELECT a FROM x INTO TEMP y").statementClass).toBe("write");
  });

  it("INTO inside a subquery, a string or a host variable is not SELECT INTO", () => {
    expect(classify("SELECT * FROM t WHERE EXISTS (SELECT 1 INTO inner_t FROM s) AND into_x = 1").selectIntoTemp).toBe(
      false,
    );
    expect(classify("SELECT 'INTO TEMP x' FROM t")).toMatchObject({ statementClass: "read", selectIntoTemp: false });
    expect(classify("SELECT a INTO :host_var FROM t")).toMatchObject({ statementClass: "read", selectIntoTemp: false });
    expect(classify("INSERT INTO t SELECT * FROM s").selectIntoTemp).toBe(false);
  });

  it.each<[string, boolean]>([
    ["SELECT 1", true],
    ["VALUES (1)", true],
    ["WITH x AS (SELECT 1) SELECT * FROM x", true],
    ["EXECUTE FUNCTION f()", true],
    ["EXECUTE PROCEDURE p()", false],
    ["INSERT INTO t VALUES (1)", false],
    ["INSERT INTO t VALUES (1) RETURNING id", true],
    ["UPDATE t SET a = 1 RETURNING *", true],
    ["DELETE FROM t WHERE id = ? RETURNING id", true],
    ["DELETE FROM t WHERE note = 'RETURNING'", false],
    ["WITH x AS (SELECT 1) DELETE FROM t RETURNING id", true],
    ["CREATE FUNCTION f() RETURNING INT; RETURN 1; END FUNCTION", false],
    ["DROP TABLE t", false],
    ["BEGIN", false],
    ["", false],
  ])("%s returnsRows=%s", (sql, expected) => {
    expect(classify(sql).returnsRows).toBe(expected);
  });

  it("reports the first keyword upper-cased, skipping comments and parentheses", () => {
    expect(classify("  /* x */ select 1").firstKeyword).toBe("SELECT");
    expect(classify("((select 1))").firstKeyword).toBe("SELECT");
    expect(classify("execute procedure p()").firstKeyword).toBe("EXECUTE");
    expect(classify("'abc'").firstKeyword).toBe("");
    expect(classify("").firstKeyword).toBe("");
  });

  it("classifies a large batch in one pass", () => {
    const sql = "INSERT INTO t VALUES (1, 'a;b'); -- x\n".repeat(5000);
    expect(classify(sql)).toMatchObject({ statementCount: 5000, statementClass: "write" });
  });
});
