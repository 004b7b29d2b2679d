import { describe, expect, it } from "vitest";
import { countPlaceholders, toNumberedPlaceholders } from "../../src/sql/placeholders.js";
import { SqlSyntaxError } from "../../src/sql/tokenizer.js";

describe("countPlaceholders", () => {
  it("counts ? outside strings, comments and quoted identifiers", () => {
    expect(countPlaceholders("SELECT * FROM t WHERE a = ? AND b = ?")).toBe(2);
    expect(countPlaceholders("SELECT '?', \"col?\", 'it''s ?' FROM t -- ?\n WHERE x = ? /* ? */ {?}")).toBe(1);
    expect(countPlaceholders("SELECT 1")).toBe(0);
    expect(countPlaceholders("")).toBe(0);
  });

  it("does not treat PostgreSQL $1 or host variables as placeholders", () => {
    expect(countPlaceholders("SELECT $1, :name, @x FROM t")).toBe(0);
  });

  it("sees adjacent placeholders", () => {
    expect(countPlaceholders("VALUES (?,?,?)")).toBe(3);
    expect(countPlaceholders("SELECT ??")).toBe(2);
  });

  it("ignores ? inside dollar-quoted and E'' strings", () => {
    expect(countPlaceholders("SELECT $$a ? b$$, $fn$ ? $fn$, E'\\' ?' , ?")).toBe(1);
  });

  it("throws SqlSyntaxError on unterminated input", () => {
    expect(() => countPlaceholders("SELECT 'abc ?")).toThrow(SqlSyntaxError);
    expect(() => countPlaceholders("SELECT 1 /* ? ")).toThrow(SqlSyntaxError);
  });
});

describe("toNumberedPlaceholders", () => {
  it("numbers placeholders in order and keeps everything else byte-identical", () => {
    const sql = "SELECT a,\t'?' AS \"q?\" FROM t -- why?\r\nWHERE a = ? AND b IN (?, ?) /* ? */ {?}";
    const out = toNumberedPlaceholders(sql);
    expect(out.count).toBe(3);
    expect(out.sql).toBe("SELECT a,\t'?' AS \"q?\" FROM t -- why?\r\nWHERE a = $1 AND b IN ($2, $3) /* ? */ {?}");
  });

  it("supports another prefix", () => {
    expect(toNumberedPlaceholders("a = ? and b = ?", ":p")).toEqual({ sql: "a = :p1 and b = :p2", count: 2 });
  });

  it("returns the input unchanged when there is nothing to rewrite", () => {
    const sql = "SELECT 'ünïcödé ?' , \u00a0 1 ";
    expect(toNumberedPlaceholders(sql)).toEqual({ sql, count: 0 });
  });

  it("round-trips: turning each $n back into ? restores the input", () => {
    const inputs = [
      "INSERT INTO t (a, b, c) VALUES (?, ?, ?)",
      "SELECT '?', \"x?\" FROM t WHERE a=? --?\nAND b=?",
      "UPDATE t SET a = ? WHERE id = ? RETURNING 'done?'",
      "SELECT ?::int, ?||'x' FROM t {comment ?} /* ?? */",
    ];
    for (const sql of inputs) {
      const out = toNumberedPlaceholders(sql);
      expect(out.count).toBe(countPlaceholders(sql));
      expect(out.sql.replace(/\$\d+/g, "?")).toBe(sql);
    }
  });

  it("numbers past nine without ambiguity", () => {
    const sql = Array.from({ length: 12 }, () => "?").join(", ");
    const out = toNumberedPlaceholders(`SELECT ${sql}`);
    expect(out.count).toBe(12);
    expect(out.sql).toBe(`SELECT ${Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(", ")}`);
  });
});
