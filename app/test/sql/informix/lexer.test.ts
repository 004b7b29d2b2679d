// Examples for each lexical rule of the Informix lexer (src/sql/informix/lexer.ts, parse.ts): what it reads, and
// what it refuses with which verdict (invalid -> INVALID_ARGUMENT, ambiguous -> PERMISSION_DENIED).
import { describe, expect, it } from "vitest";
import { InformixSqlRefused, lexInformix, parseInformix } from "../../../src/sql/informix/index.js";

const lex = (sql: string) => lexInformix(sql, { backslashEscapes: false }).map((t) => [t.kind, t.text]);

function refusal(sql: string, delimident = false): { verdict: string; rule: string } {
  try {
    parseInformix(sql, { delimident });
  } catch (error) {
    if (error instanceof InformixSqlRefused) return { verdict: error.verdict, rule: error.rule };
    throw error;
  }
  throw new Error(`not refused: ${sql}`);
}

describe("Informix comments (Guide to SQL: Syntax, How to Enter SQL Comments)", () => {
  it("reads the three comment styles and optimizer directives as comments", () => {
    expect(lex("SELECT -- note\n1")).toEqual([
      ["word", "SELECT"],
      ["comment", "-- note"],
      ["number", "1"],
    ]);
    expect(lex("SELECT {x} 1 /* y */")).toEqual([
      ["word", "SELECT"],
      ["comment", "{x}"],
      ["number", "1"],
      ["comment", "/* y */"],
    ]);
    for (const directive of ["--+ORDERED\n", "{+ORDERED}", "/*+ORDERED*/"]) {
      expect(lex(`SELECT ${directive} a FROM t`).map(([kind]) => kind)).toEqual([
        "word",
        "comment",
        "word",
        "word",
        "word",
      ]);
    }
  });

  it("ends a /* comment at the first */ and a { comment at the first } (they do not nest)", () => {
    expect(lex("/* a * / b */ c /* d */")).toEqual([
      ["comment", "/* a * / b */"],
      ["word", "c"],
      ["comment", "/* d */"],
    ]);
    expect(lex("{ a } c { e }")).toEqual([
      ["comment", "{ a }"],
      ["word", "c"],
      ["comment", "{ e }"],
    ]);
  });

  it("refuses text whose comment extent depends on nesting", () => {
    expect(refusal("SELECT 1 /* a /* b */ FROM t")).toEqual({ verdict: "ambiguous", rule: "NESTED_COMMENT" });
    expect(refusal("SELECT 1 { a { b } FROM t")).toEqual({ verdict: "ambiguous", rule: "NESTED_COMMENT" });
    expect(refusal("SELECT 1 */ FROM t")).toEqual({ verdict: "ambiguous", rule: "NESTED_COMMENT" });
  });

  it("refuses comments that hold another style's delimiters", () => {
    expect(refusal("SELECT 1 -- {\nFROM t").rule).toBe("MIXED_COMMENT_DELIMITERS");
    expect(refusal("SELECT 1 -- /*\nFROM t").rule).toBe("MIXED_COMMENT_DELIMITERS");
    expect(refusal("SELECT 1 /* { */ FROM t").rule).toBe("MIXED_COMMENT_DELIMITERS");
    expect(refusal("SELECT 1 /* -- */ FROM t").rule).toBe("MIXED_COMMENT_DELIMITERS");
    expect(refusal("SELECT 1 { -- } FROM t").rule).toBe("MIXED_COMMENT_DELIMITERS");
    expect(refusal("SELECT 1 { /* } FROM t").rule).toBe("MIXED_COMMENT_DELIMITERS");
  });

  it("refuses quotes inside { } comments (IBM's DRDA drivers reject them) but not in -- or /* */", () => {
    expect(refusal("SELECT 1 { it's } FROM t").rule).toBe("QUOTE_IN_COMMENT");
    expect(refusal('SELECT 1 { "x" } FROM t').rule).toBe("QUOTE_IN_COMMENT");
    expect(parseInformix("SELECT 1 FROM t -- it's\n", { delimident: false }).statementClass).toBe("read");
    expect(parseInformix("SELECT 1 /* it's */ FROM t", { delimident: false }).statementClass).toBe("read");
  });

  it("refuses ODBC escape clauses that the CLI driver would rewrite into statements", () => {
    for (const clause of ["{call p()}", "{ CALL p() }", "{?=call f()}", "{fn user()}", "{d 2024-01-01}", "{oj t}"]) {
      expect(refusal(`SELECT 1 FROM t ${clause}`)).toEqual({ verdict: "ambiguous", rule: "ODBC_ESCAPE" });
    }
    expect(refusal("SELECT 1 FROM t --(*vendor(Microsoft),product(ODBC) call p *)--\n").rule).toBe("ODBC_ESCAPE");
    // An ordinary word after the brace is an Informix comment.
    expect(parseInformix("SELECT 1 FROM t { called by the report }", { delimident: false }).statementClass).toBe(
      "read",
    );
  });

  it("refuses a -- comment with a line break other than LF", () => {
    expect(refusal("SELECT 1 -- x\r' ; DELETE FROM t; --'\n").rule).toBe("LINE_BREAK_IN_COMMENT");
    expect(refusal("SELECT 1 -- x\u2028DELETE FROM t").rule).toBe("LINE_BREAK_IN_COMMENT");
    expect(parseInformix("SELECT 1 -- x\r\nFROM t", { delimident: false }).statementClass).toBe("read");
  });

  it("refuses unterminated comments and a stray } as invalid", () => {
    expect(refusal("SELECT 1 /* open")).toEqual({ verdict: "invalid", rule: "UNTERMINATED_COMMENT" });
    expect(refusal("SELECT 1 { open")).toEqual({ verdict: "invalid", rule: "UNTERMINATED_COMMENT" });
    expect(refusal("SELECT 1 }")).toEqual({ verdict: "invalid", rule: "STRAY_BRACE" });
  });
});

describe("Informix quoted strings (Guide to SQL: Syntax, Quoted String; DELIMIDENT)", () => {
  it("escapes a quote by doubling it, in both quote styles", () => {
    expect(lex('\'it\'\'s\' "say ""hi"""')).toEqual([
      ["single_quoted", "'it''s'"],
      ["double_quoted", '"say ""hi"""'],
    ]);
  });

  it("hides keywords, semicolons and placeholders inside strings", () => {
    const parsed = parseInformix("SELECT 'x; DELETE FROM t; ?' FROM t WHERE a = ?", { delimident: false });
    expect(parsed.statements).toHaveLength(1);
    expect(parsed.statementClass).toBe("read");
    expect(parsed.placeholderCount).toBe(1);
  });

  it("refuses a backslash that ends the string elsewhere when read as an escape", () => {
    expect(refusal("SELECT 'a\\' ; DELETE FROM t; --' FROM t")).toEqual({
      verdict: "ambiguous",
      rule: "BACKSLASH_ESCAPE",
    });
    expect(refusal('SELECT "a\\" ; DELETE FROM t; --" FROM t').rule).toBe("BACKSLASH_ESCAPE");
  });

  it("accepts backslashes that end the string in the same place under both readings", () => {
    expect(parseInformix("SELECT 'C:\\temp\\x' FROM t", { delimident: false }).statementClass).toBe("read");
    expect(parseInformix("SELECT 'a\\\\' FROM t", { delimident: false }).statementClass).toBe("read");
  });

  it("refuses a statement whose class depends on DELIMIDENT", () => {
    // With DELIMIDENT "task" names the SQL administration API function; without it, a string and a syntax error.
    expect(refusal('SELECT "task"(1) FROM t')).toEqual({ verdict: "ambiguous", rule: "DELIMIDENT_READING" });
    expect(refusal('SELECT "task"(1) FROM t', true).rule).toBe("DELIMIDENT_READING");
    expect(refusal('INSERT INTO "sysadmin":ph_task VALUES (1)').rule).toBe("DELIMIDENT_READING");
    // Both readings agree here (task( is the API either way), so no refusal is needed: admin.
    expect(parseInformix('EXECUTE FUNCTION "sysadmin":task(1)', { delimident: false }).statementClass).toBe("admin");
  });

  it("fingerprints double quotes as literals or names according to the configured DELIMIDENT", () => {
    expect(parseInformix('SELECT "Col" FROM t', { delimident: false }).fingerprint).toBe("select ? from t");
    expect(parseInformix('SELECT "Col" FROM t', { delimident: true }).fingerprint).toBe('select "Col" from t');
  });

  it("refuses unterminated strings and NUL characters as invalid", () => {
    expect(refusal("SELECT 'open")).toEqual({ verdict: "invalid", rule: "UNTERMINATED_STRING" });
    expect(refusal('SELECT "open')).toEqual({ verdict: "invalid", rule: "UNTERMINATED_STRING" });
    expect(refusal("SELECT 'a\0b' FROM t")).toEqual({ verdict: "invalid", rule: "NUL_CHARACTER" });
  });

  it("allows newlines inside strings (ALLOW_NEWLINE decides on the server; the extent is the same)", () => {
    expect(parseInformix("SELECT 'a\nb' FROM t", { delimident: false }).statementClass).toBe("read");
  });
});

describe("Informix identifiers and separators (Guide to SQL: Syntax, Identifier)", () => {
  it("reads letters, digits, underscores and dollar signs as one word", () => {
    expect(lex("abc_1$x")).toEqual([["word", "abc_1$x"]]);
    expect(lex("société")).toEqual([["word", "société"]]);
  });

  it("refuses non-ASCII spaces and invisible characters outside quotes", () => {
    for (const space of ["\u00a0", "\u2003", "\u200b", "\ufeff", "\u3000"]) {
      expect(refusal(`SELECT 1 FROM t INTO${space}TEMP x`)).toEqual({
        verdict: "invalid",
        rule: "UNEXPECTED_CHARACTER",
      });
    }
    expect(refusal("SELECT 1\u0001 FROM t")).toEqual({ verdict: "invalid", rule: "CONTROL_CHARACTER" });
  });

  it("refuses characters with no meaning in server SQL (#, $, backslash, backquote)", () => {
    for (const c of ["#", "$", "\\", "`"]) expect(refusal(`SELECT 1 ${c} FROM t`).rule).toBe("UNEXPECTED_CHARACTER");
  });

  it("keeps non-ASCII text inside strings and comments", () => {
    expect(parseInformix("SELECT '\u00a0\u200b' FROM t /* \u2003 */", { delimident: false }).statementClass).toBe(
      "read",
    );
  });
});
