// One parse of an Informix statement text: lexed once (twice when a backslash sits inside quotes), split, and
// classified under both readings of double quotes. Everything downstream (validation, policy, audit, driver) uses
// this result; nothing re-tokenizes the text.
//
// Two settings change how Informix reads the same text, and the proxy cannot see the server's value of either:
// - DELIMIDENT ([Syntax: The DELIMIDENT Environment Variable]): "..." is a string, or a delimited identifier. The
//   configured value (databases.<name>.delimident) decides fingerprints; the class is computed under both readings
//   and a statement on which they disagree is refused.
// - backslash inside quotes ([ESQL/C: Quotation marks and escape characters]): a plain character for the server's
//   Quoted String segment, an escape for ESQL/C and ANSI tools. Text whose strings end in different places under
//   the two readings is refused.
import { createHash } from "node:crypto";
import { fingerprintOfTokens } from "../fingerprint.js";
import type { Token } from "../tokenizer.js";
import { classifyStatement, highest, type InformixStatement, type InformixStatementClass } from "./classifier.js";
import { type InformixToken, lexInformix } from "./lexer.js";
import { ambiguous } from "./refusal.js";
import { readTokens, splitStatements } from "./statements.js";

export interface InformixParseOptions {
  /** The server's DELIMIDENT setting as configured; Informix's default is off ("..." is a string). */
  delimident: boolean;
}

/** The shape of core's ParsedStatement (the other dialects' result), for Informix. */
export interface InformixParsedStatement {
  dialect: "informix";
  /** The text as the client sent it. */
  sql: string;
  /** The text as the driver sends it: Informix takes `?` placeholders as they are. */
  driverSql: string;
  statements: InformixStatement[];
  /** The highest class of all statements. */
  statementClass: InformixStatementClass;
  /** The statement's shape without literal values (metrics, audit, allow-list). */
  fingerprint: string;
  fingerprintId: string;
  placeholderCount: number;
}

/**
 * Throws InformixSqlRefused (refusal.ts, a SqlSyntaxError) for text that is invalid or ambiguous: its verdict says
 * INVALID_ARGUMENT or PERMISSION_DENIED.
 */
export function parseInformix(sql: string, options: InformixParseOptions): InformixParsedStatement {
  const tokens = lexInformix(sql, { backslashEscapes: false });
  if (tokens.some((t) => (t.kind === "single_quoted" || t.kind === "double_quoted") && t.text.includes("\\"))) {
    refuseIfBackslashReadingDiffers(sql, tokens);
  }
  const configured = classifyAll(tokens, options.delimident);
  const other = classifyAll(tokens, !options.delimident);
  refuseIfReadingsDiffer(configured, other, tokens);

  const fingerprint = fingerprintOfTokens(tokens.map((t) => genericToken(t, options.delimident)));
  return {
    dialect: "informix",
    sql,
    driverSql: sql,
    statements: configured,
    statementClass: configured.length === 0 ? "empty" : highest(configured.map((s) => s.statementClass)),
    fingerprint,
    fingerprintId: createHash("sha256").update(fingerprint).digest("hex").slice(0, 16),
    placeholderCount: tokens.filter((t) => t.kind === "placeholder").length,
  };
}

function classifyAll(tokens: readonly InformixToken[], delimident: boolean): InformixStatement[] {
  return splitStatements(readTokens(tokens, delimident)).map(classifyStatement);
}

function refuseIfBackslashReadingDiffers(sql: string, plain: readonly InformixToken[]): void {
  let escaped: InformixToken[];
  try {
    escaped = lexInformix(sql, { backslashEscapes: true });
  } catch {
    escaped = [];
  }
  const length = Math.max(plain.length, escaped.length);
  for (let i = 0; i < length; i++) {
    const a = plain[i];
    const b = escaped[i];
    if (!a || !b || a.kind !== b.kind || a.start !== b.start || a.end !== b.end) {
      throw ambiguous(
        "BACKSLASH_ESCAPE",
        "a backslash before a quotation mark ends the string in a different place when backslash is an escape; write the quote doubled ('') instead",
        (a ?? b)?.start ?? 0,
      );
    }
  }
}

function sameClasses(a: InformixStatement, b: InformixStatement): boolean {
  return a.statementClass === b.statementClass && a.classes.join() === b.classes.join();
}

function refuseIfReadingsDiffer(
  configured: readonly InformixStatement[],
  other: readonly InformixStatement[],
  tokens: readonly InformixToken[],
): void {
  const agree =
    configured.length === other.length && configured.every((s, i) => sameClasses(s, other[i] as InformixStatement));
  if (agree) return;
  const quoted = tokens.find((t) => t.kind === "double_quoted");
  throw ambiguous(
    "DELIMIDENT_READING",
    "the statement means different things with and without DELIMIDENT (\"...\" as a string or as an identifier); use '...' for strings",
    quoted?.start ?? 0,
  );
}

/** The shared fingerprint works on the generic token kinds; "..." is a literal unless DELIMIDENT makes it a name. */
function genericToken(token: InformixToken, delimident: boolean): Token {
  const { text, start, end } = token;
  switch (token.kind) {
    case "single_quoted":
      return { kind: "string", text, start, end };
    case "double_quoted":
      return { kind: delimident ? "quoted_identifier" : "string", text, start, end };
    default:
      return { kind: token.kind, text, start, end };
  }
}

/** The Informix dialect for one database: its DELIMIDENT setting is part of how it reads text. */
export function informixDialect(options: InformixParseOptions): {
  readonly name: "informix";
  parse(sql: string): InformixParsedStatement;
} {
  return { name: "informix", parse: (sql) => parseInformix(sql, options) };
}
