// The PostgreSQL dialect on the statements an attacker with a read-only key tries: every class comes from
// libpg-query's parse tree, walked whole. Each row: the text, the classes it must need (all of them), and
// whether it runs SQL the guard cannot see.
import { beforeAll, describe, expect, it } from "vitest";
import { postgresDialect } from "../../src/sql/postgres/dialect.js";
import { loadPostgresParser } from "../../src/sql/postgres/parser.js";
import { SqlSyntaxError } from "../../src/sql/tokenizer.js";

beforeAll(async () => {
  await loadPostgresParser();
});

const parse = (sql: string) => postgresDialect.parse(sql);
const classesOf = (sql: string) => parse(sql).statements.map((s) => [...s.classes].sort().join("+"));

const CASES: [sql: string, classes: string[], dynamicSql?: boolean][] = [
  // reads
  ["SELECT * FROM customer WHERE customer_id = ?", ["read"]],
  ["VALUES (1), (2)", ["read"]],
  ["TABLE customer", ["read"]],
  ["SHOW search_path", ["read"]],
  ["EXPLAIN SELECT 1", ["read"]],
  ["EXPLAIN DELETE FROM customer", ["read"]], // planned, not run
  ["EXPLAIN (ANALYZE false) DELETE FROM customer", ["read"]],
  ["EXPLAIN (ANALYZE off, COSTS) UPDATE customer SET city = 'x'", ["read"]],
  ["COPY customer TO STDOUT", ["read"]],
  ["COPY (SELECT 1) TO STDOUT WITH (FORMAT csv)", ["read"]],
  ["SELECT currval('s'), pg_sleep(0), random()", ["read"]],
  ["SELECT 'pg_read_file(''/etc/passwd'')' AS not_a_call", ["read"]],
  ["SELECT $$ DELETE FROM customer $$, E'\\' ; DROP TABLE t', U&'\\0041'", ["read"]],
  ['SELECT "DELETE FROM t; x" FROM customer', ["read"]],
  ["SELECT 1 /* a /* nested */ ; DROP TABLE t; */", ["read"]],
  ["-- only a comment", []],
  // writes, wherever they hide
  ["INSERT INTO t VALUES (1)", ["write"]],
  ["UPDATE t SET a = 1", ["write"]],
  ["DELETE FROM t", ["write"]],
  ["MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE", ["write"]],
  ["WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", ["read+write"]],
  [
    "WITH a AS (SELECT 1), b AS (WITH c AS (UPDATE t SET x = 1 RETURNING 1) SELECT * FROM c) SELECT * FROM b",
    ["read+write"],
  ],
  ["EXPLAIN ANALYZE DELETE FROM t", ["read+write"]],
  ["EXPLAIN (ANALYZE, BUFFERS) INSERT INTO t VALUES (1)", ["read+write"]],
  ["EXPLAIN (ANALYZE 1) DELETE FROM t", ["read+write"]],
  ["COPY t FROM STDIN", ["write"]],
  ["COPY (DELETE FROM t RETURNING *) TO STDOUT", ["read+write"]],
  ["SELECT * FROM t FOR UPDATE", ["read+write"]],
  ["SELECT * FROM t FOR KEY SHARE SKIP LOCKED", ["read+write"]],
  ["(SELECT * FROM t FOR SHARE) UNION ALL SELECT 1", ["read+write"]],
  ["SELECT * FROM t WHERE a IN (SELECT b FROM u FOR UPDATE)", ["read+write"]],
  ["SELECT nextval('s')", ["read+write"]],
  ["SELECT x FROM t WHERE y = setval('s', 1)", ["read+write"]],
  ["VALUES (NEXTVAL('s'))", ["read+write"]],
  ["SELECT pg_notify('ch', 'x')", ["read+write"]],
  ["NOTIFY ch, 'x'", ["write"]],
  ["SELECT lo_create(0)", ["read+write"]],
  ["SELECT txid_current()", ["read+write"]],
  // creates a table
  ["SELECT 1 INTO t2", ["ddl+read"]],
  ["SELECT * INTO TEMP x FROM customer", ["ddl+read"]],
  ["CREATE TABLE x AS SELECT 1", ["ddl"]],
  // DDL
  ["DROP TABLE customer", ["ddl"]],
  ["/* x */ drop /* y */ table customer", ["ddl"]],
  ["CREATE TABLE x (a int DEFAULT nextval('s'))", ["ddl+write"]],
  ["ALTER TABLE t ADD COLUMN b int", ["ddl"]],
  ["TRUNCATE t", ["ddl"]],
  ["GRANT SELECT ON t TO public", ["ddl"]],
  ["COMMENT ON TABLE t IS 'x'", ["ddl"]],
  ["CREATE INDEX i ON t (a)", ["ddl"]],
  ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'", ["ddl"]],
  ["CREATE VIEW v AS SELECT 1", ["ddl"]],
  ["CREATE ROLE intruder SUPERUSER", ["admin+ddl"]],
  ["ALTER ROLE postgres PASSWORD 'x'", ["admin+ddl"]],
  ["CREATE EXTENSION dblink", ["admin+ddl"]],
  ["CREATE DATABASE x", ["admin+ddl"]],
  ["GRANT pg_read_server_files TO someone", ["admin+ddl"]],
  ["REFRESH MATERIALIZED VIEW mv", ["ddl+write"]],
  // admin: server files and programs
  ["COPY (SELECT 1) TO PROGRAM 'touch /tmp/x'", ["admin"]],
  ["COPY t FROM PROGRAM 'id'", ["admin"]],
  ["COPY t TO '/tmp/t.csv'", ["admin"]],
  ["COPY t FROM '/etc/passwd'", ["admin"]],
  ["COPY t FROM ''", ["admin"]], // the JSON tree drops empty strings: only a STDIN keyword makes it the stream
  ["COPY t TO $$$$", ["admin"]],
  ["SELECT pg_read_file('/etc/passwd')", ["admin+read"]],
  ["SELECT PG_READ_FILE('/etc/passwd')", ["admin+read"]],
  ['SELECT "pg_catalog"."pg_read_file"(\'/etc/passwd\')', ["admin+read"]],
  ["SELECT pg_catalog . pg_read_binary_file('x')", ["admin+read"]],
  ["SELECT * FROM pg_ls_dir('.')", ["admin+read"]],
  ["SELECT pg_stat_file('postmaster.pid')", ["admin+read"]],
  ["SELECT lo_import('/etc/passwd')", ["admin+read"]],
  ["SELECT lo_export(1, '/tmp/x')", ["admin+read"]],
  ["SELECT dblink_exec('dbname=x', 'DROP TABLE t')", ["admin+read"]],
  ["SELECT * FROM public.dblink('dbname=x', 'select 1') AS t(a int)", ["admin+read"]],
  ["SELECT pg_terminate_backend(pid) FROM pg_stat_activity", ["admin+read"]],
  ["SELECT pg_cancel_backend(1)", ["admin+read"]],
  ["SELECT set_config('role', 'postgres', false)", ["admin+read"]],
  ["SELECT pg_reload_conf(), pg_rotate_logfile()", ["admin+read"]],
  ["SELECT pg_advisory_lock(1)", ["admin+read"]],
  ["SELECT pg_try_advisory_xact_lock(1)", ["admin+read"]],
  ["SELECT pg_create_logical_replication_slot('s', 'test_decoding')", ["admin+read"]],
  ["SELECT pg_logical_emit_message(true, 'p', 'x')", ["admin+read"]],
  ["SELECT query_to_xml('select pg_read_file(''/etc/passwd'')', true, false, '')", ["admin+read"]],
  ["SELECT (t).pg_ls_dir FROM (SELECT '.'::text) t", ["admin+read"]],
  ["SELECT * FROM t WHERE a = (SELECT pg_read_file('x'))", ["admin+read"]],
  ["EXPLAIN SELECT pg_read_file('x')", ["admin+read"]], // names count even when only planned
  ["UPDATE pg_settings SET setting = 'off' WHERE name = 'x'", ["admin+write"]],
  ["SELECT rolname, rolpassword FROM pg_authid", ["admin+read"]],
  ["SELECT usename, passwd FROM pg_catalog.PG_SHADOW", ["admin+read"]],
  ["SELECT query FROM pg_stat_activity WHERE pid <> pg_backend_pid()", ["admin+read"]],
  ["SELECT * FROM t WHERE a IN (SELECT umoptions::text FROM pg_user_mappings)", ["admin+read"]],
  ["TABLE pg_file_settings", ["admin+read"]],
  ["COPY pg_authid TO STDOUT", ["admin+read"]],
  ["SELECT * FROM pg_hba_file_rules()", ["admin+read"]],
  ["LOCK TABLE t IN ACCESS EXCLUSIVE MODE", ["admin"]],
  ["VACUUM FULL t", ["admin"]],
  ["ANALYZE t", ["admin"]],
  ["CLUSTER t", ["admin"]],
  ["REINDEX TABLE t", ["admin"]],
  ["CHECKPOINT", ["admin"]],
  ["LOAD 'plpgsql'", ["admin"]],
  ["ALTER SYSTEM SET work_mem = '1GB'", ["admin"]],
  ["SET search_path = evil, public", ["admin"]],
  ["SET LOCAL statement_timeout = 0", ["admin"]],
  ["RESET work_mem", ["admin"]],
  ["SET standard_conforming_strings = off", ["admin+session"]],
  ["SET client_encoding = 'SJIS'", ["admin+session"]],
  ["SET NAMES 'SJIS'", ["admin+session"]],
  ["RESET ALL", ["admin+session"]],
  ["PREPARE TRANSACTION 'x'", ["admin+transaction"]],
  ["COMMIT PREPARED 'x'", ["admin+transaction"]],
  // procedures and code the guard cannot see
  ["CALL add_order(1)", ["procedure"]],
  ["CALL p(pg_read_file('x'))", ["admin+procedure"]],
  ["DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$", ["procedure"], true],
  ["DO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$", ["procedure"], true],
  ["EXECUTE p(1)", ["procedure"], true],
  ["EXPLAIN ANALYZE EXECUTE p", ["procedure+read"], true],
  // transaction and session
  ["BEGIN", ["transaction"]],
  ["START TRANSACTION READ WRITE", ["transaction"]],
  ["COMMIT", ["transaction"]],
  ["ROLLBACK", ["transaction"]],
  ["SAVEPOINT s", ["transaction"]],
  ["SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", ["transaction"]],
  ["SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", ["transaction"]],
  ["SET CONSTRAINTS ALL DEFERRED", ["transaction"]],
  ["SET ROLE postgres", ["session"]],
  ["SET SESSION AUTHORIZATION postgres", ["session"]],
  ["RESET ROLE", ["session"]],
  ["LISTEN ch", ["session"]],
  ["UNLISTEN *", ["session"]],
  ["DISCARD ALL", ["session"]],
  ["DECLARE c CURSOR FOR SELECT 1", ["session"]],
  ["PREPARE p AS DELETE FROM t", ["session+write"]],
  ["DEALLOCATE ALL", ["session"]],
  // several statements: each is classified
  ["SELECT 1; DROP TABLE t", ["read", "ddl"]],
  ["SELECT 1;DELETE FROM t;", ["read", "write"]],
];

describe("PostgreSQL dialect: classes from the whole parse tree", () => {
  it.each(CASES)("%j", (sql, classes, dynamicSql = false) => {
    expect(classesOf(sql)).toEqual(classes);
    expect(parse(sql).statements.some((s) => s.dynamicSql)).toBe(dynamicSql);
  });

  it("names the statement by its kind and says why each class is needed, in the dialect's own words", () => {
    const [copy] = parse("COPY (SELECT 1) TO PROGRAM 'rm -rf /'").statements;
    expect(copy?.firstKeyword).toBe("COPY");
    expect(copy?.statementClass).toBe("admin");
    expect(copy?.effects.find((e) => e.statementClass === "admin")?.cause).toContain("PROGRAM");
    const [read] = parse("SELECT PG_READ_FILE('/etc/shadow')").statements;
    const cause = read?.effects.find((e) => e.statementClass === "admin")?.cause ?? "";
    expect(cause).toContain("pg_read_file()");
    expect(cause).not.toContain("shadow");
    // A prefix family names the family, not the caller's spelling of the name.
    const [family] = parse('SELECT "dblink_evil\'name"()').statements;
    expect(family?.effects.map((e) => e.cause).join(" ")).toContain("dblink*()");
    expect(family?.effects.map((e) => e.cause).join(" ")).not.toContain("evil");
  });

  it("a text of several statements is as dangerous as its worst one", () => {
    expect(parse("SELECT 1; DROP TABLE t").statementClass).toBe("ddl");
    expect(parse("SELECT 1").statementClass).toBe("read");
    expect(parse("  ").statementClass).toBe("empty");
  });

  it("a statement kind it does not know is admin, and a deep tree cannot overflow the walk", () => {
    const deep = `SELECT ${"(".repeat(900)}1${")".repeat(900)}`;
    expect(classesOf(deep)).toEqual(["read"]);
  });
});

describe("PostgreSQL dialect: placeholders through PostgreSQL's own scanner", () => {
  it("numbers ? only where the scanner reads an operator character", () => {
    const p = parse("SELECT a=?, b<>?, c FROM t WHERE d = '?' AND \"e?\" = $$?$$ /* ? /* ? */ ? */ AND f = ? -- ?");
    expect(p.driverSql).toBe(
      "SELECT a=$1, b<>$2, c FROM t WHERE d = '?' AND \"e?\" = $$?$$ /* ? /* ? */ ? */ AND f = $3 -- ?",
    );
    expect(p.placeholderCount).toBe(3);
  });

  it("keeps every other byte, non-ASCII text included", () => {
    const p = parse("SELECT 'é' || ? || 'ü' AS \"naïve\", E'\\'?' FROM t WHERE x > ?-1");
    expect(p.driverSql).toBe("SELECT 'é' || $1 || 'ü' AS \"naïve\", E'\\'?' FROM t WHERE x > $2-1");
    expect(p.placeholderCount).toBe(2);
  });

  it("refuses a ? that would read differently once numbered, and PostgreSQL's own $n", () => {
    for (const sql of ["SELECT a$?", "SELECT ?1", "SELECT 1?", "SELECT $1", "SELECT x FROM t WHERE a = $2"]) {
      expect(() => parse(sql), sql).toThrow(SqlSyntaxError);
    }
  });
});

describe("PostgreSQL dialect: syntax errors and fingerprints", () => {
  it("a text the parser rejects is a SqlSyntaxError that does not repeat the text", () => {
    for (const sql of [
      "SELEC 1",
      "SELECT 'unterminated",
      "SELECT 1 /* unterminated",
      "SELECT $q$ unterminated",
      "DROP TABLE",
      "SELECT 'a' 'b'",
      "ЅELECT 1", // Cyrillic S
      "SELECT\u00a01 FROM\u00a0t WHERE 'hunter2' = 'x' x",
      "SELECT 1\u0000; DROP TABLE t",
      "SELECT '\ud800'",
    ]) {
      let error: unknown;
      try {
        parse(sql);
      } catch (e) {
        error = e;
      }
      expect(error, sql).toBeInstanceOf(SqlSyntaxError);
      expect((error as Error).message).not.toContain("hunter2");
      expect((error as Error).message).not.toContain("ELEC");
    }
  });

  it("statements that differ only in values share a fingerprint with no literal in it", () => {
    const a = parse("SELECT name FROM customer WHERE id = 42 AND note = 'secret' -- who");
    const b = parse("select name from customer where id = ? and note = ?");
    expect(a.fingerprintId).toBe(b.fingerprintId);
    expect(a.fingerprintId).toMatch(/^[0-9a-f]{16}$/);
    expect(a.fingerprint).toBe("select name from customer where id = ? and note = ?");
    expect(b.fingerprint).toBe(a.fingerprint);
    const secret = parse("CREATE ROLE x PASSWORD 'hunter2'; DO $$ BEGIN PERFORM 'hunter2'; END $$");
    expect(secret.fingerprint).not.toContain("hunter2");
    expect(parse("SELECT 1").fingerprintId).not.toBe(parse("DELETE FROM t").fingerprintId);
  });
});
