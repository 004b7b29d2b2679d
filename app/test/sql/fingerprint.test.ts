import { describe, expect, it } from "vitest";
import { fingerprint, fingerprintId, fingerprintOfTokens } from "../../src/sql/fingerprint.js";
import { tokenize } from "../../src/sql/tokenizer.js";

describe("fingerprint", () => {
  it("replaces literals, lower-cases words, drops comments and collapses whitespace", () => {
    expect(fingerprint("SELECT Name, 42 FROM Users -- who\n WHERE id = 7 AND note = 'x''y' /* c */ {d}")).toBe(
      "select name, ? from users where id = ? and note = ?",
    );
  });

  it("gives the same fingerprint whatever the spacing, case, comments and values", () => {
    const variants = [
      "SELECT a,b FROM t WHERE x=1 AND y='abc'",
      "select  A ,  B\tfrom T\r\nwhere X = 2.5e3 and Y = 'other'",
      "/* hint */ Select a, b From t Where x = ? And y = ? ;",
      "{ informix } SELECT\u00a0a, b FROM t WHERE x = -1 AND y = ''",
    ];
    const prints = variants.map(fingerprint);
    // -1 keeps its sign operator; the others agree exactly
    expect(new Set(prints.slice(0, 3)).size).toBe(1);
    expect(prints[0]).toBe("select a, b from t where x = ? and y = ?");
    expect(prints[3]).toBe("select a, b from t where x = - ? and y = ?");
  });

  it("keeps quoted identifiers as written", () => {
    expect(fingerprint('SELECT "Mixed Case", "a?b" FROM "T"')).toBe('select "Mixed Case", "a?b" from "T"');
  });

  it("collapses IN lists of any length to one shape", () => {
    const one = fingerprint("SELECT * FROM t WHERE id IN (1)");
    expect(one).toBe("select * from t where id in (?...)");
    expect(fingerprint("select * from t where id in (1, 2, 3)")).toBe(one);
    expect(fingerprint("select * from t where id IN (?,?,?,?,?)")).toBe(one);
    expect(fingerprint("select * from t where id in ('a', -2, +3.5)")).toBe(one);
    expect(fingerprint("SELECT * FROM t WHERE id NOT IN (1, 2)")).toBe("select * from t where id not in (?...)");
  });

  it("does not collapse IN lists of expressions or subqueries", () => {
    expect(fingerprint("SELECT * FROM t WHERE id IN (SELECT id FROM s)")).toBe(
      "select * from t where id in (select id from s)",
    );
    expect(fingerprint("SELECT * FROM t WHERE id IN (a, 1)")).toBe("select * from t where id in (a, ?)");
  });

  it("collapses multi-row VALUES to one row", () => {
    const one = fingerprint("INSERT INTO t VALUES (1, 'a')");
    expect(one).toBe("insert into t values (?, ?)");
    expect(fingerprint("insert into t values (1, 'a'), (-2, 'b'), (3, 'c')")).toBe("insert into t values (?, ?)...");
    expect(fingerprint("INSERT INTO t VALUES (?, now())")).toBe("insert into t values (?, now())");
  });

  it("does not leak values hidden in strings, dollar quotes or unterminated literals", () => {
    const secret = "hunter2";
    for (const sql of [
      `UPDATE users SET password = '${secret}' WHERE id = 1`,
      `SELECT $$${secret}$$, E'${secret}\\''`,
      `SELECT * FROM t WHERE p = '${secret}`,
      `SELECT 1 /* ${secret}`,
    ]) {
      expect(fingerprint(sql)).not.toContain(secret);
    }
    expect(fingerprint("SELECT * FROM t WHERE p = 'hunter2")).toBe("select * from t where p = ?unterminated");
  });

  it("drops trailing semicolons but keeps statement separators", () => {
    expect(fingerprint("SELECT 1;")).toBe("select ?");
    expect(fingerprint("SELECT 1; SELECT 'x';;")).toBe("select ?; select ?");
  });

  it("formats calls, casts and qualified names compactly", () => {
    expect(fingerprint("SELECT COUNT ( * ), x :: int, s . t . c FROM s.t")).toBe(
      "select count(*), x::int, s.t.c from s.t",
    );
  });

  it("keeps PostgreSQL $1 as text and ? as ?", () => {
    expect(fingerprint("SELECT $1, ?")).toBe("select $1, ?");
  });

  it("is empty for empty or comment-only input", () => {
    expect(fingerprint("")).toBe("");
    expect(fingerprint(" -- x\n /* y */ ")).toBe("");
  });
});

describe("fingerprintId", () => {
  it("is 16 lower-case hex digits, stable, and shared by equivalent statements", () => {
    const id = fingerprintId("SELECT * FROM t WHERE id IN (1, 2)");
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintId("select * from t where id in (3,4,5,6) -- more")).toBe(id);
    // sha256("select * from t where id in (?...)"), first 16 hex digits
    expect(id).toBe("99b42d0226c7e5a2");
  });

  it("differs for different statements", () => {
    expect(fingerprintId("SELECT a FROM t")).not.toBe(fingerprintId("SELECT b FROM t"));
  });

  it("gives the same text from tokens the caller already has", () => {
    for (const sql of [
      "SELECT Name, 42 FROM Users -- who\n WHERE id IN (1, 2, 3)",
      "INSERT INTO t VALUES (1, 'a'), (2, 'b');",
    ]) {
      expect(fingerprintOfTokens(tokenize(sql))).toBe(fingerprint(sql));
    }
  });
});
