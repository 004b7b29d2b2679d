import { describe, expect, it } from "vitest";
import { SqlSyntaxError, significantTokens, type TokenKind, tokenize } from "../../src/sql/tokenizer.js";

const kinds = (sql: string): string[] => tokenize(sql).map((t) => `${t.kind}:${t.text}`);

describe("tokenize", () => {
  it("splits words, numbers, operators, placeholders and semicolons with exact offsets", () => {
    const sql = "SELECT a1, 12.5 FROM t WHERE b<>? ;";
    const tokens = tokenize(sql);
    expect(tokens.map((t) => `${t.kind}:${t.text}`)).toEqual([
      "word:SELECT",
      "word:a1",
      "operator:,",
      "number:12.5",
      "word:FROM",
      "word:t",
      "word:WHERE",
      "word:b",
      "operator:<>",
      "placeholder:?",
      "semicolon:;",
    ]);
    for (const token of tokens) expect(sql.slice(token.start, token.end)).toBe(token.text);
  });

  it("reads strings with doubled quotes and keeps ; ? -- { and keywords inside them", () => {
    expect(kinds("'it''s; ? -- { DROP }' x")).toEqual(["string:'it''s; ? -- { DROP }'", "word:x"]);
    expect(kinds("''''")).toEqual(["string:''''"]);
    expect(kinds("''")).toEqual(["string:''"]);
  });

  it("reads quoted identifiers with doubled quotes, including ? inside", () => {
    expect(kinds('SELECT "we""ird?;" FROM "T"')).toEqual([
      "word:SELECT",
      'quoted_identifier:"we""ird?;"',
      "word:FROM",
      'quoted_identifier:"T"',
    ]);
  });

  it("reads the three comment forms, not nesting /* */", () => {
    expect(kinds("-- line ?\nSELECT /* a /* b */ 1 {informix ?}")).toEqual([
      "comment:-- line ?",
      "word:SELECT",
      "comment:/* a /* b */",
      "number:1",
      "comment:{informix ?}",
    ]);
    // the closer of a "nested" PostgreSQL comment is plain text for Informix
    expect(kinds("/* a /* b */ c */")).toEqual(["comment:/* a /* b */", "word:c", "operator:*", "operator:/"]);
  });

  it("ends a line comment at CR as well as LF", () => {
    expect(kinds("SELECT 1 -- x\r\nFROM t")).toEqual([
      "word:SELECT",
      "number:1",
      "comment:-- x",
      "word:FROM",
      "word:t",
    ]);
  });

  it("treats tabs, CRLF and unicode spaces as separators", () => {
    expect(kinds("SELECT\t1\r\n,\u00a02\u2003FROM\u3000t\ufeff")).toEqual([
      "word:SELECT",
      "number:1",
      "operator:,",
      "number:2",
      "word:FROM",
      "word:t",
    ]);
  });

  it("reads unicode identifiers, including astral code points, as one word", () => {
    expect(kinds("SELECT ünïcode_列, x𝒳y FROM tëst")).toEqual([
      "word:SELECT",
      "word:ünïcode_列",
      "operator:,",
      "word:x𝒳y",
      "word:FROM",
      "word:tëst",
    ]);
  });

  it("reads number forms", () => {
    expect(kinds("1 1.5 .5 1. 1e10 2.5E-3 7e")).toEqual([
      "number:1",
      "number:1.5",
      "number:.5",
      "number:1.",
      "number:1e10",
      "number:2.5E-3",
      "number:7",
      "word:e",
    ]);
  });

  it("keeps $1 as text and reads PostgreSQL dollar-quoted and E'' strings", () => {
    expect(kinds("$1 $$ ? ; $$ $f$ a $$ b $f$ E'\\' ?' name$x")).toEqual([
      "operator:$1",
      "string:$$ ? ; $$",
      "string:$f$ a $$ b $f$",
      "string:E'\\' ?'",
      "word:name$x",
    ]);
  });

  it("returns nothing for empty or whitespace-only input", () => {
    expect(tokenize("")).toEqual([]);
    expect(tokenize(" \t\r\n ")).toEqual([]);
  });

  it.each([
    ["SELECT 'abc", 7, "string"],
    ['SELECT "abc', 7, "quoted identifier"],
    ["SELECT 'it''", 7, "string"],
    ["SELECT 1 /* x", 9, "/*"],
    ["SELECT 1 { x", 9, "{"],
    ["SELECT $$ x", 7, "dollar"],
  ])("throws SqlSyntaxError with the offset of an unterminated construct: %s", (sql, offset, what) => {
    let caught: unknown;
    try {
      tokenize(sql);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SqlSyntaxError);
    expect((caught as SqlSyntaxError).offset).toBe(offset);
    expect((caught as SqlSyntaxError).message).toContain(what);
  });

  it("significantTokens drops comments only", () => {
    const tokens = significantTokens(tokenize("/* c */ SELECT -- d\n 1"));
    expect(tokens.map((t) => t.kind as TokenKind)).toEqual(["word", "number"]);
  });

  it("covers every non-space character of a large input exactly once", () => {
    const piece = "SELECT 'a;b', \"c\" FROM t WHERE x = ? -- c\n/* d */ {e};\n";
    const sql = piece.repeat(2000);
    const tokens = tokenize(sql);
    expect(tokens.length).toBe(14 * 2000);
    const gaps: string[] = [];
    let previousEnd = 0;
    for (const token of tokens) {
      gaps.push(sql.slice(previousEnd, token.start));
      previousEnd = token.end;
    }
    gaps.push(sql.slice(previousEnd));
    expect(gaps.filter((gap) => !/^\s*$/u.test(gap))).toEqual([]);
  });
});
