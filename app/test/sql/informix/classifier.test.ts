// Statement classes of the Informix classifier (src/sql/informix/classifier.ts), one example or more per rule.
import { describe, expect, it } from "vitest";
import { InformixSqlRefused, parseInformix } from "../../../src/sql/informix/index.js";

const parse = (sql: string) => parseInformix(sql, { delimident: false });
const classOf = (sql: string) => parse(sql).statementClass;
const classes = (sql: string) => parse(sql).statements.flatMap((s) => s.classes);

describe("Informix statement classes", () => {
  it.each([
    ["SELECT * FROM customer", "read"],
    ["select first 10 * from orders order by 1", "read"],
    ["(SELECT a FROM t) UNION (SELECT a FROM u)", "read"],
    ["WITH c AS (SELECT a FROM t) SELECT * FROM c", "read"],
    ["SELECT * FROM TABLE(FUNCTION my_iterator())", "read"],
    ["INSERT INTO t VALUES (1)", "write"],
    ["UPDATE {+INDEX(t i)} t SET a = 1", "write"],
    ["DELETE FROM t WHERE a IN (SELECT a FROM u)", "write"],
    ["MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE", "write"],
    ["SELECT a FROM t FOR UPDATE", "write"],
    ["EXECUTE PROCEDURE add_order(1, 2)", "procedure"],
    ["EXECUTE FUNCTION order_total(1)", "procedure"],
    ["CALL add_order(1)", "procedure"],
    ["CREATE TABLE x (a INT)", "ddl"],
    ["CREATE TEMP TABLE x (a INT)", "ddl"],
    ["ALTER TABLE x ADD b INT", "ddl"],
    ["DROP TABLE x", "ddl"],
    ["RENAME TABLE x TO y", "ddl"],
    ["TRUNCATE x", "ddl"],
    ["GRANT SELECT ON t TO reader", "ddl"],
    ["REVOKE ALL ON t FROM public", "ddl"],
    ["START VIOLATIONS TABLE FOR t", "ddl"],
    ["BEGIN WORK", "transaction"],
    ["COMMIT WORK", "transaction"],
    ["ROLLBACK WORK TO SAVEPOINT a", "transaction"],
    ["SAVEPOINT a", "transaction"],
    ["SET ISOLATION TO COMMITTED READ", "transaction"],
    ["DATABASE stores", "session"],
    ["CONNECT TO 'stores@ol'", "session"],
    ["DISCONNECT CURRENT", "session"],
    ["CLOSE DATABASE", "session"],
    ["SET ROLE admin_role", "session"],
    ["SET SESSION AUTHORIZATION TO 'bob'", "session"],
    ["SET LOCK MODE TO WAIT 10", "session"],
  ])("%s -> %s", (sql, expected) => {
    expect(classOf(sql)).toBe(expected);
  });

  it.each([
    ["EXECUTE FUNCTION sysadmin:task('drop database stores')"],
    ["EXECUTE FUNCTION sysadmin@ol_server:informix.admin('onmode', 'ky')"],
    ["EXECUTE FUNCTION task('onmode', 'ky')"],
    ["SELECT task('add chunk', 'dbs', '/dev/x', '1 GB', '0') FROM sysmaster:sysdual"],
    ["INSERT INTO t EXECUTE FUNCTION admin('checkpoint')"],
    ["INSERT INTO sysadmin:ph_task (tk_name, tk_execute) VALUES ('x', 'rm -rf /')"],
    ["SELECT FILETOBLOB('/etc/passwd', 'server') FROM t"],
    ["SELECT LOTOFILE(b, '/tmp/x', 'server') FROM t"],
    ["EXECUTE PROCEDURE ifx_load_module('/tmp/evil.so', 'C')"],
    ["EXECUTE PROCEDURE sqlj.install_jar('file:/tmp/x.jar', 'x')"],
    ["SYSTEM 'rm -rf /'"],
    ["CREATE PROCEDURE p() SYSTEM 'id > /tmp/x'; END PROCEDURE"],
    ["CREATE DBA PROCEDURE p() LET x = 1; END PROCEDURE"],
    ["CREATE FUNCTION f(a INT) RETURNING INT EXTERNAL NAME '/tmp/f.so(f)' LANGUAGE C END FUNCTION"],
    ["CREATE PROCEDURE p() LET x = 1; END PROCEDURE WITH LISTING IN '/tmp/listing'"],
    ["CREATE PROCEDURE p() EXECUTE IMMEDIATE 'DROP TABLE t'; END PROCEDURE"],
    ["CREATE PROCEDURE FROM '/tmp/p.sql'"],
    ["CREATE EXTERNAL TABLE e SAMEAS t USING (DATAFILES ('DISK:/tmp/e.unl'))"],
    ["SELECT * FROM t INTO EXTERNAL e USING (DATAFILES ('DISK:/tmp/e.unl'))"],
    ["LOAD FROM '/tmp/x.unl' INSERT INTO t"],
    ["UNLOAD TO '/tmp/x.unl' SELECT * FROM t"],
    ["OUTPUT TO '/tmp/x' SELECT * FROM t"],
    ["SET EXPLAIN FILE TO '/tmp/plan'"],
    ["SET EXPLAIN ON"],
    ["SET PDQPRIORITY 100"],
    ["SAVE EXTERNAL DIRECTIVES {+AVOID_FULL(t)} ACTIVE FOR SELECT * FROM t"],
    ["UPDATE STATISTICS HIGH"],
    ["EXECUTE IMMEDIATE 'DROP TABLE t'"],
    ["EXECUTE stmt_1"],
    ["LOCK TABLE t IN EXCLUSIVE MODE"],
    ["CREATE USER bob WITH PASSWORD 'x'"],
    ["ALTER USER bob ACCOUNT LOCK"],
    ["GRANT DBA TO bob"],
    ["GRANT ACCESS TO bob PROPERTIES USER fred"],
    ["WHENEVER ERROR CONTINUE"],
    ["VACUUM"],
  ])("%s -> admin", (sql) => {
    expect(classes(sql)).toContain("admin");
  });

  it("marks SELECT ... INTO TEMP / SCRATCH / STANDARD / RAW as a write that creates a table", () => {
    for (const into of ["INTO TEMP x WITH NO LOG", "INTO SCRATCH x", "INTO STANDARD x", "INTO RAW x"]) {
      const [statement] = parse(`SELECT a FROM t ${into}`).statements;
      expect(statement?.statementClass).toBe("write");
      expect(statement?.selectIntoTemp).toBe(true);
      expect(statement?.returnsRows).toBe(false);
    }
    // INTO inside a subquery counts too.
    expect(classOf("SELECT * FROM (SELECT a FROM t INTO TEMP x)")).toBe("write");
  });

  it("says which statements return rows", () => {
    expect(parse("SELECT 1 FROM t").statements[0]?.returnsRows).toBe(true);
    expect(parse("EXECUTE FUNCTION f()").statements[0]?.returnsRows).toBe(true);
    expect(parse("EXECUTE PROCEDURE p()").statements[0]?.returnsRows).toBe(false);
    expect(parse("DELETE FROM t").statements[0]?.returnsRows).toBe(false);
  });

  it("marks EXECUTE IMMEDIATE and EXECUTE of a prepared id as dynamic SQL", () => {
    expect(parse("EXECUTE IMMEDIATE 'x'").statements[0]?.dynamicSql).toBe(true);
    expect(parse("EXECUTE s1").statements[0]?.dynamicSql).toBe(true);
    expect(parse("EXECUTE PROCEDURE p()").statements[0]?.dynamicSql).toBe(false);
  });

  it("treats table names that happen to be task or admin as tables", () => {
    expect(classOf("INSERT INTO task (id) VALUES (1)")).toBe("write");
    expect(classOf("CREATE TABLE admin (id INT)")).toBe("ddl");
    expect(classOf("SELECT * FROM task")).toBe("read");
  });

  it("does not take keywords from delimited identifiers or strings", () => {
    expect(classOf("SELECT 'DELETE FROM t' FROM t")).toBe("read");
    expect(parseInformix('SELECT "DELETE" FROM t', { delimident: true }).statementClass).toBe("read");
  });

  it("an SPL routine needs every class its body needs (classes highest first, each with its cause)", () => {
    expect(classes("CREATE PROCEDURE p() DELETE FROM t; END PROCEDURE")).toEqual(["ddl", "write"]);
    expect(classes("CREATE PROCEDURE p() EXECUTE PROCEDURE q(); END PROCEDURE")).toEqual(["ddl", "procedure"]);
    expect(classes("CREATE PROCEDURE p() LET x = 1; END PROCEDURE")).toEqual(["ddl"]);
    expect(classes("INSERT INTO t EXECUTE FUNCTION f()")).toEqual(["procedure", "write"]);
    expect(parse("CREATE PROCEDURE p() SYSTEM 'x'; END PROCEDURE").statements[0]?.effects).toEqual([
      { statementClass: "ddl", cause: "CREATE PROCEDURE / FUNCTION changes the schema" },
      {
        statementClass: "admin",
        cause: "an SPL routine with SYSTEM runs operating-system commands on the database server",
      },
    ]);
  });

  it("unknown statements are admin, never read", () => {
    expect(classOf("FROBNICATE t")).toBe("admin");
    expect(classOf("SЕLECT 1 FROM t")).toBe("admin"); // Cyrillic Е: not the keyword
    expect(classOf("(1)")).toBe("admin");
  });
});

describe("Informix statement splitting", () => {
  it("splits at semicolons outside strings and comments and skips empty statements", () => {
    const parsed = parse("SELECT 1 FROM t; ; DELETE FROM t; -- tail\n");
    expect(parsed.statements.map((s) => s.statementClass)).toEqual(["read", "write"]);
    expect(parsed.statementClass).toBe("write");
  });

  it("keeps an SPL routine body, semicolons and all, in its CREATE statement", () => {
    const parsed = parse("CREATE PROCEDURE p(a INT) IF a > 0 THEN LET a = 1; END IF; END PROCEDURE; SELECT 1 FROM t");
    expect(parsed.statements.map((s) => s.firstKeyword)).toEqual(["CREATE", "SELECT"]);
  });

  it("refuses a routine body that holds another routine header (the split would be a guess)", () => {
    expect(() =>
      parse("CREATE PROCEDURE p() EXTERNAL NAME 'x' LANGUAGE C; DELETE FROM t; CREATE PROCEDURE q() END PROCEDURE"),
    ).toThrow(InformixSqlRefused);
  });

  it("counts placeholders and fingerprints without literals", () => {
    const parsed = parse("SELECT a FROM t WHERE b = ? AND c = 'x' AND d IN (1, 2, 3)");
    expect(parsed.placeholderCount).toBe(1);
    expect(parsed.fingerprint).toBe("select a from t where b = ? and c = ? and d in (?...)");
    expect(parsed.fingerprintId).toMatch(/^[0-9a-f]{16}$/);
    expect(parsed.sql).toBe("SELECT a FROM t WHERE b = ? AND c = 'x' AND d IN (1, 2, 3)");
    expect(parsed.driverSql).toBe(parsed.sql);
  });

  it("an empty text is one empty class with no statements", () => {
    const parsed = parse("  -- nothing\n ;");
    expect(parsed.statements).toEqual([]);
    expect(parsed.statementClass).toBe("empty");
  });
});
