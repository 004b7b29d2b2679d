// Property: a write, DDL, procedure or admin statement that Informix would execute (by the manual's reading: comments
// end at their first closing delimiter, '' and "" escape quotes, backslash is a plain character) is never passed as a
// read, however it is dressed in comments, optimizer directives, quotes, backslashes, case and separators. The
// generator builds the text so that the dangerous statement is live by construction, then hides hostile fragments
// (other comment openers, quotes, backslashes, escape clauses, line breaks, Unicode spaces) everywhere it may.
// Seeded: a failure prints its seed and path, and the same run reproduces it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InformixStatementClass } from "../../../src/sql/informix/index.js";
import { CLASS_RANK, InformixSqlRefused, parseInformix } from "../../../src/sql/informix/index.js";

const SEED = 20_260_109;
const RUNS = 6000;

interface Payload {
  tokens: string[];
  /** The least class the guard may give it. */
  atLeast: InformixStatementClass;
}

const PAYLOADS: Payload[] = [
  { tokens: ["DELETE", "FROM", "t"], atLeast: "write" },
  { tokens: ["UPDATE", "t", "SET", "a", "=", "1"], atLeast: "write" },
  { tokens: ["INSERT", "INTO", "t", "VALUES", "(", "1", ")"], atLeast: "write" },
  {
    tokens: ["MERGE", "INTO", "t", "USING", "s", "ON", "t.a", "=", "s.a", "WHEN", "MATCHED", "THEN", "DELETE"],
    atLeast: "write",
  },
  { tokens: ["SELECT", "a", "FROM", "t", "INTO", "TEMP", "x"], atLeast: "write" },
  { tokens: ["SELECT", "a", "FROM", "t", "INTO", "SCRATCH", "x"], atLeast: "write" },
  { tokens: ["EXECUTE", "PROCEDURE", "p", "(", ")"], atLeast: "procedure" },
  { tokens: ["DROP", "TABLE", "t"], atLeast: "ddl" },
  { tokens: ["CREATE", "TABLE", "x", "(", "a", "INT", ")"], atLeast: "ddl" },
  { tokens: ["TRUNCATE", "t"], atLeast: "ddl" },
  { tokens: ["GRANT", "SELECT", "ON", "t", "TO", "u"], atLeast: "ddl" },
  { tokens: ["EXECUTE", "FUNCTION", "sysadmin", ":", "task", "(", "'drop database d'", ")"], atLeast: "admin" },
  { tokens: ["EXECUTE", "FUNCTION", "admin", "(", "'onmode'", ",", "'ky'", ")"], atLeast: "admin" },
  { tokens: ["SELECT", "task", "(", "'x'", ")", "FROM", "t"], atLeast: "admin" },
  { tokens: ["SELECT", "FILETOBLOB", "(", "'/etc/passwd'", ",", "'server'", ")", "FROM", "t"], atLeast: "admin" },
  { tokens: ["UNLOAD", "TO", "'/tmp/x'", "SELECT", "*", "FROM", "t"], atLeast: "admin" },
  { tokens: ["LOAD", "FROM", "'/tmp/x'", "INSERT", "INTO", "t"], atLeast: "admin" },
  {
    tokens: ["CREATE", "EXTERNAL", "TABLE", "e", "SAMEAS", "t", "USING", "(", "DATAFILES", "(", "'DISK:/x'", ")", ")"],
    atLeast: "admin",
  },
  {
    tokens: [
      "SELECT",
      "*",
      "FROM",
      "t",
      "INTO",
      "EXTERNAL",
      "e",
      "USING",
      "(",
      "DATAFILES",
      "(",
      "'DISK:/x'",
      ")",
      ")",
    ],
    atLeast: "admin",
  },
  { tokens: ["SET", "EXPLAIN", "FILE", "TO", "'/tmp/p'"], atLeast: "admin" },
  { tokens: ["SAVE", "EXTERNAL", "DIRECTIVES", "ACTIVE", "FOR", "SELECT", "1", "FROM", "t"], atLeast: "admin" },
  { tokens: ["SYSTEM", "'rm -rf /'"], atLeast: "admin" },
  { tokens: ["CREATE", "PROCEDURE", "p", "(", ")", "SYSTEM", "'id'", ";", "END", "PROCEDURE"], atLeast: "admin" },
  { tokens: ["EXECUTE", "IMMEDIATE", "'DROP TABLE t'"], atLeast: "admin" },
  { tokens: ["UPDATE", "STATISTICS", "HIGH"], atLeast: "admin" },
  { tokens: ["GRANT", "DBA", "TO", "u"], atLeast: "admin" },
  { tokens: ["DATABASE", "sysadmin"], atLeast: "session" },
];

/** Pieces that break other readers: comment openers and closers of every style, quotes, escapes, separators. */
const HOSTILE = [
  "/*",
  "*/",
  "{",
  "}",
  "--",
  "'",
  '"',
  "\\",
  "\\'",
  ";",
  "?",
  "+",
  "(*",
  "*)",
  "call ",
  "fn ",
  "\r",
  "\r\n",
  "\u2028",
  "\u00a0",
  "\u200b",
  "END PROCEDURE",
  "DELETE FROM t",
  "$$",
  "#",
  "x",
  " ",
];

const hostileText = fc.array(fc.constantFrom(...HOSTILE), { maxLength: 6 }).map((parts) => parts.join(""));

/** A comment that is well-formed by the manual: its text never holds its own closing delimiter. */
const comment = fc
  .tuple(fc.constantFrom("--", "/*", "{"), fc.boolean(), hostileText)
  .map(([style, directive, body]) => {
    const plus = directive ? "+" : "";
    if (style === "--") return `--${plus}${body.replace(/\n/g, " ")}\n`;
    if (style === "/*") return `/*${plus}${body.replace(/\*\//g, "* /")}*/`;
    return `{${plus}${body.replace(/}/g, ")")}}`;
  });

const whitespace = fc.constantFrom(" ", "  ", "\t", "\n", "\r\n", "\f");
/** Between two tokens: blanks, comments, or characters other readers take for blanks. */
const gap = fc.oneof(
  { weight: 4, arbitrary: whitespace },
  { weight: 4, arbitrary: comment.map((c) => ` ${c} `) },
  { weight: 1, arbitrary: fc.constantFrom("\u00a0", "\u2003", "\u200b", "\ufeff", "\u3000", "\u0085") },
);

/** A string literal well-formed by the manual: its quote is doubled inside, any backslash is a plain character. */
const literal = fc
  .tuple(fc.constantFrom("'", '"'), hostileText)
  .map(([q, body]) => `${q}${body.replaceAll(q, q + q)}${q}`);

const randomCase = (word: string, flips: readonly boolean[]): string =>
  [...word].map((c, i) => (flips[i % flips.length] ? c.toLowerCase() : c.toUpperCase())).join("");

/** Joins tokens with a gap between each pair; keywords in random case. */
function dressed(tokens: readonly string[], gaps: readonly string[], flips: readonly boolean[]): string {
  return tokens
    .map((t, i) => {
      const word = /^[A-Za-z]+$/.test(t) ? randomCase(t, flips) : t;
      return i === 0 ? word : `${gaps[i % gaps.length] ?? " "}${word}`;
    })
    .join("");
}

/** A harmless read around literals that may hold anything. */
const readStatement = fc.tuple(literal, literal).map(([a, b]) => `SELECT ${a}, ${b} FROM t`);

const hiddenStatement = fc
  .record({
    payload: fc.constantFrom(...PAYLOADS),
    gaps: fc.array(gap, { minLength: 1, maxLength: 12 }),
    flips: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
    before: fc.option(readStatement, { nil: undefined }),
    after: fc.option(readStatement, { nil: undefined }),
    lead: fc.array(comment, { maxLength: 2 }),
    tail: fc.option(comment, { nil: undefined }),
  })
  .map(({ payload, gaps, flips, before, after, lead, tail }) => ({
    payload,
    sql: [
      lead.join(" "),
      before ? `${before};` : "",
      dressed(payload.tokens, gaps, flips),
      after ? `;${after}` : "",
      tail ?? "",
    ].join(" "),
  }));

function rank(c: InformixStatementClass): number {
  return CLASS_RANK.indexOf(c);
}

describe("Informix classifier, property: hidden write / DDL / admin forms are never read", () => {
  it(`holds for ${RUNS} generated statements (seed ${SEED})`, () => {
    let refused = 0;
    fc.assert(
      fc.property(hiddenStatement, fc.boolean(), ({ payload, sql }, delimident) => {
        let parsed: ReturnType<typeof parseInformix>;
        try {
          parsed = parseInformix(sql, { delimident });
        } catch (error) {
          if (!(error instanceof InformixSqlRefused)) throw error;
          refused++;
          return;
        }
        expect(parsed.statementClass).not.toBe("read");
        // The payload's class, or admin (what the classifier gives what it does not recognise), is among the
        // classes some statement needs: a role without it is refused.
        const needed = parsed.statements.flatMap((s) => s.classes);
        expect(needed.includes(payload.atLeast) || needed.includes("admin")).toBe(true);
        expect(rank(parsed.statementClass)).toBeGreaterThanOrEqual(rank(payload.atLeast));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generator must also produce texts the lexer accepts, or the property proves nothing about the classifier.
    expect(refused).toBeLessThan(RUNS * 0.95);
  });

  it(`accepts plain reads dressed in harmless comments and literals (${RUNS / 3} cases)`, () => {
    const harmlessComment = fc
      .tuple(fc.constantFrom("--", "/*", "{"), fc.stringMatching(/^[a-z ,.]{0,20}$/))
      .map(([style, body]) =>
        style === "--" ? `-- ${body}\n` : style === "/*" ? `/* ${body} */` : `{ note ${body} }`,
      );
    const harmlessLiteral = fc
      .tuple(fc.constantFrom("'", '"'), fc.stringMatching(/^[a-z ;?%]{0,20}$/))
      .map(([q, body]) => `${q}${body}${q}`);
    fc.assert(
      fc.property(harmlessComment, harmlessLiteral, fc.boolean(), (c, l, delimident) => {
        const sql = `SELECT ${c} a, ${l === "" ? "1" : "'x'"} FROM t ${c} WHERE b = ${l.startsWith("'") ? l : "'y'"}`;
        expect(parseInformix(sql, { delimident }).statementClass).toBe("read");
      }),
      { seed: SEED, numRuns: RUNS / 3 },
    );
  });
});
