// The Informix lexer: where strings, delimited identifiers, comments, placeholders and statement separators are,
// by the rules of IBM's "Informix Guide to SQL: Syntax" (cited beside each decision as [Syntax: <section>]).
// It does not parse SQL. Where the manual leaves a choice to configuration or to a client driver (DELIMIDENT,
// backslash escapes, nesting of comments in the DRDA drivers, ODBC escape clauses), it refuses the forms whose
// meaning depends on that choice (refusal.ts) instead of picking one reading. Linear in the input length.
import { ambiguous, invalid } from "./refusal.js";

export type InformixTokenKind =
  | "word" // keyword or undelimited identifier
  | "single_quoted" // '...': always a string
  | "double_quoted" // "...": a string, or a delimited identifier when DELIMIDENT is set (parse.ts reads it both ways)
  | "number"
  | "placeholder" // ?
  | "operator"
  | "semicolon"
  | "comment"; // includes optimizer directives (--+, {+, /*+)

export interface InformixToken {
  kind: InformixTokenKind;
  /** exact source text */
  text: string;
  start: number;
  end: number;
}

export interface LexOptions {
  /**
   * Read a backslash inside quotes as escaping the next character (the ESQL/C and ANSI escape, [ESQL/C: Quotation
   * marks and escape characters]) instead of as a plain character ([Syntax: Quoted String] admits only the doubled
   * quote). parse.ts lexes both ways and refuses text on which they disagree.
   */
  backslashEscapes: boolean;
}

const MULTI_CHAR_OPERATORS = new Set(["<=", ">=", "<>", "!=", "||", "::", "=>"]);
/** ASCII punctuation with a meaning in Informix SQL outside quotes. */
const SINGLE_OPERATORS = new Set([..."()[],.:@+-*/%<>=!|&^~"]);
const LETTER_OR_MARK_OR_DIGIT = /[\p{L}\p{M}\p{N}]/u;
const LETTER = /\p{L}/u;

/** [Syntax: Identifier]: a letter or underscore, then letters, digits, underscores and dollar signs. */
function isAsciiIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Whitespace outside quotes: blank, tab, newline, carriage return, form feed, vertical tab. Any other control
 * character, and every non-ASCII space (U+00A0, U+2000.., U+3000, zero-width characters), is refused: the manual
 * names no such separator, and a reader that splits words there would see keywords we do not.
 */
function isAsciiWhitespace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function codePointAt(sql: string, i: number): { char: string; length: number } {
  const cp = sql.codePointAt(i) ?? 0;
  const length = cp > 0xffff ? 2 : 1;
  return { char: sql.slice(i, i + length), length };
}

function hex(sql: string, i: number): string {
  return `U+${(sql.codePointAt(i) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Words that begin an ODBC escape clause, which the IBM CLI driver under ibm_db rewrites before the server sees it. */
const ODBC_ESCAPE = /^\s*(?:\?|(?:call|fn|d|t|ts|oj|escape|interval|limit)(?![A-Za-z0-9_]))/i;

export function lexInformix(sql: string, options: LexOptions): InformixToken[] {
  const tokens: InformixToken[] = [];
  const n = sql.length;
  const push = (kind: InformixTokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: sql.slice(start, end), start, end });
  };

  // [Syntax: Quoted String]: the quote is escaped by doubling it; newlines are allowed when ALLOW_NEWLINE is set,
  // and rejected by the server otherwise, which changes nothing about where the string ends.
  const scanQuoted = (start: number, quote: string): number => {
    let j = start + 1;
    for (;;) {
      if (j >= n) throw invalid("UNTERMINATED_STRING", "unterminated quoted string", start);
      const c = sql[j];
      if (c === "\0") throw invalid("NUL_CHARACTER", "a NUL character is not accepted in SQL text", j);
      if (c === "\\" && options.backslashEscapes) {
        j += 2;
        continue;
      }
      if (c === quote) {
        if (sql[j + 1] === quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
  };

  let i = 0;
  while (i < n) {
    const c = sql[i] as string;
    const code = sql.charCodeAt(i);

    if (isAsciiWhitespace(code)) {
      i++;
      continue;
    }

    // [Syntax: How to Enter SQL Comments]: "--" comments to the end of the line.
    if (c === "-" && sql[i + 1] === "-") {
      let j = i + 2;
      while (j < n && sql[j] !== "\n") j++;
      checkLineComment(sql, i, j);
      push("comment", i, j);
      i = j;
      continue;
    }
    // [Syntax: How to Enter SQL Comments; Optimizer Directives as Comments]: "/* ... */" ends at the next "*/";
    // comments do not nest in Informix.
    if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      if (close < 0) throw invalid("UNTERMINATED_COMMENT", "unterminated /* comment", i);
      checkBlockComment(sql, i, close + 2);
      push("comment", i, close + 2);
      i = close + 2;
      continue;
    }
    // [Syntax: How to Enter SQL Comments]: braces are the Informix extension; "{ ... }" ends at the next "}".
    if (c === "{") {
      const close = sql.indexOf("}", i + 1);
      if (close < 0) throw invalid("UNTERMINATED_COMMENT", "unterminated { comment", i);
      checkBraceComment(sql, i, close + 1);
      push("comment", i, close + 1);
      i = close + 1;
      continue;
    }
    if (c === "}") throw invalid("STRAY_BRACE", "a } outside a { comment has no meaning in Informix SQL", i);
    if (c === "*" && sql[i + 1] === "/") {
      // Left over from a nested /* comment under a reader that does not nest: the two readings differ.
      throw ambiguous("NESTED_COMMENT", "a */ outside a comment (nested /* comments are read differently)", i);
    }

    if (c === "'") {
      const end = scanQuoted(i, "'");
      push("single_quoted", i, end);
      i = end;
      continue;
    }
    if (c === '"') {
      const end = scanQuoted(i, '"');
      push("double_quoted", i, end);
      i = end;
      continue;
    }

    if (c === "?") {
      push("placeholder", i, i + 1);
      i++;
      continue;
    }
    if (c === ";") {
      push("semicolon", i, i + 1);
      i++;
      continue;
    }

    // [Syntax: Literal Number]: digits, an optional fraction, an optional exponent.
    if (isDigit(code) || (c === "." && isDigit(sql.charCodeAt(i + 1)))) {
      let j = i;
      while (j < n && isDigit(sql.charCodeAt(j))) j++;
      if (sql[j] === ".") {
        j++;
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
      }
      if (sql[j] === "e" || sql[j] === "E") {
        let k = j + 1;
        if (sql[k] === "+" || sql[k] === "-") k++;
        if (isDigit(sql.charCodeAt(k))) {
          while (k < n && isDigit(sql.charCodeAt(k))) k++;
          j = k;
        }
      }
      push("number", i, j);
      i = j;
      continue;
    }

    // [Syntax: Identifier]: letters are ASCII in the default locale; GLS locales admit their own letters, so a
    // non-ASCII letter is taken as part of a word (a word is never a keyword unless it spells one in ASCII).
    if (isAsciiIdentifierStart(code) || (code >= 128 && LETTER.test(codePointAt(sql, i).char))) {
      let j = i + codePointAt(sql, i).length;
      while (j < n) {
        const k = sql.charCodeAt(j);
        if (isAsciiIdentifierStart(k) || isDigit(k) || k === 36) j++;
        else if (k >= 128 && LETTER_OR_MARK_OR_DIGIT.test(codePointAt(sql, j).char)) j += codePointAt(sql, j).length;
        else break;
      }
      push("word", i, j);
      i = j;
      continue;
    }

    const two = sql.slice(i, i + 2);
    if (MULTI_CHAR_OPERATORS.has(two)) {
      push("operator", i, i + 2);
      i += 2;
      continue;
    }
    if (SINGLE_OPERATORS.has(c)) {
      push("operator", i, i + 1);
      i++;
      continue;
    }
    if (c === "\0") throw invalid("NUL_CHARACTER", "a NUL character is not accepted in SQL text", i);
    if (code < 32 || code === 127) {
      throw invalid("CONTROL_CHARACTER", `control character ${hex(sql, i)} outside quotes`, i);
    }
    if (code >= 128) {
      throw invalid(
        "UNEXPECTED_CHARACTER",
        `character ${hex(sql, i)} outside quotes is not an Informix separator or operator (only ASCII blanks separate words)`,
        i,
      );
    }
    // `#` (4GL comments), `$` (ESQL/C host variables), `\` and backquotes have no meaning in server SQL.
    throw invalid("UNEXPECTED_CHARACTER", `character '${c}' outside quotes has no meaning in Informix SQL`, i);
  }
  return tokens;
}

// Comment contents. Informix ignores everything inside a comment up to its closing delimiter, but the text also
// passes through IBM's DRDA client (CLI under ibm_db), which scans it for escape clauses and, per IBM's JDBC notes
// for Informix, nests /* */ pairs and rejects { } comments holding quotes, braces or slashes. A comment that holds
// another comment's delimiter, a quote inside braces, or the start of an escape clause would end, or start, in
// another place for one of these readers, so it is refused rather than ignored.

function checkLineComment(sql: string, start: number, end: number): void {
  const body = sql.slice(start + 2, end);
  // The CLI's long-form vendor escape: --(*vendor(Microsoft),product(ODBC) ... *)--
  if (body.startsWith("(*")) {
    throw ambiguous(
      "ODBC_ESCAPE",
      "a --(* comment is an ODBC vendor escape clause that the CLI driver rewrites",
      start,
    );
  }
  // A lone CR, NEL or a Unicode line separator ends the line for some readers and not for Informix (LF only).
  // A CR just before the closing LF is the CRLF line end.
  const breakAt = (end < sql.length ? body.replace(/\r$/, "") : body).search(/[\r\u0085\u2028\u2029]/);
  if (breakAt >= 0) {
    throw ambiguous("LINE_BREAK_IN_COMMENT", "a -- comment holds a line break other than LF", start + 2 + breakAt);
  }
  refuseDelimiters(body, start + 2, ["/*", "*/", "{", "}"], "--");
}

function checkBlockComment(sql: string, start: number, end: number): void {
  const body = sql.slice(start + 2, end - 2);
  const nested = body.indexOf("/*");
  if (nested >= 0) {
    throw ambiguous("NESTED_COMMENT", "a /* comment holds another /* (nested comments are read differently)", start);
  }
  refuseDelimiters(body, start + 2, ["--", "{", "}"], "/*");
}

function checkBraceComment(sql: string, start: number, end: number): void {
  const body = sql.slice(start + 1, end - 1);
  if (ODBC_ESCAPE.test(body)) {
    throw ambiguous(
      "ODBC_ESCAPE",
      "a { comment that opens like an ODBC escape clause ({call, {fn, {d, {ts, {oj, {?=)",
      start,
    );
  }
  if (body.includes("{")) {
    throw ambiguous("NESTED_COMMENT", "a { comment holds another { (nested comments are read differently)", start);
  }
  const quote = body.search(/['"]/);
  if (quote >= 0) throw ambiguous("QUOTE_IN_COMMENT", "a { comment holds a quotation mark", start + 1 + quote);
  refuseDelimiters(body, start + 1, ["--", "/*", "*/"], "{");
}

function refuseDelimiters(body: string, bodyStart: number, delimiters: readonly string[], style: string): void {
  for (const delimiter of delimiters) {
    const at = body.indexOf(delimiter);
    if (at >= 0) {
      throw ambiguous(
        "MIXED_COMMENT_DELIMITERS",
        `a ${style} comment holds the comment delimiter ${delimiter}`,
        bodyStart + at,
      );
    }
  }
}

/** Tokens that carry meaning: everything except comments (optimizer directives included). */
export function significant(tokens: readonly InformixToken[]): InformixToken[] {
  return tokens.filter((t) => t.kind !== "comment");
}
