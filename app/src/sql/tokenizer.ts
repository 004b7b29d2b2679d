// Informix-aware SQL tokenizer. It does not parse SQL: it only finds where strings, comments, quoted
// identifiers, placeholders and statement separators are, so that callers can count `?`, split
// statements, classify them and fingerprint them without being fooled by text inside literals.
//
// Dialect choices (one lexer serves Informix, PostgreSQL and SQLite):
// - "..." is a quoted identifier (with "" as an escaped quote). Informix treats "..." as a string when
//   DELIMIDENT is off; either way its content is opaque text, so `?`, `;` and keywords inside it are
//   never seen by the classifier or the placeholder rewriter.
// - '...' is a string with '' as an escaped quote; backslash is not an escape (Informix default,
//   PostgreSQL standard_conforming_strings). PostgreSQL E'...' strings do honour backslash escapes.
// - PostgreSQL dollar-quoted strings ($$...$$, $tag$...$tag$) are strings; `$1` is plain text (one
//   "operator" token), never a placeholder: the API's only placeholder is `?`.
// - Comments: `-- ...` to end of line, `/* ... */` NOT nested (Informix; PostgreSQL nests, but a nested
//   opener inside an Informix comment is just text), and Informix `{ ... }`.
// - Anything unterminated (string, quoted identifier, comment) throws SqlSyntaxError.
// Runs in one pass, linear in the input length.

export type TokenKind =
  | "word" // keyword or unquoted identifier
  | "quoted_identifier"
  | "string"
  | "number"
  | "placeholder" // `?`
  | "operator" // punctuation and operators, including ( ) , . and `$1`
  | "semicolon"
  | "comment";

export interface Token {
  kind: TokenKind;
  /** the exact source text of the token */
  text: string;
  /** offset of the first UTF-16 code unit */
  start: number;
  /** offset just past the last code unit */
  end: number;
}

/** SQL text that cannot be tokenized; callers map it to INVALID_ARGUMENT. */
export class SqlSyntaxError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = "SqlSyntaxError";
    this.offset = offset;
  }
}

const MULTI_CHAR_OPERATORS = ["<=", ">=", "<>", "!=", "||", "::", ":=", "=>", "**"];

const WHITESPACE = /\s/u;
const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isWordStart(sql: string, i: number): boolean {
  const code = sql.charCodeAt(i);
  if (code < 128) return isAsciiWordStart(code);
  return LETTER.test(String.fromCodePoint(sql.codePointAt(i) ?? code));
}

function isWordPart(sql: string, i: number): boolean {
  const code = sql.charCodeAt(i);
  if (code < 128) return isAsciiWordStart(code) || isDigit(code) || code === 36; // `$` is legal after the first char
  return LETTER_OR_DIGIT.test(String.fromCodePoint(sql.codePointAt(i) ?? code));
}

function isWhitespace(sql: string, i: number): boolean {
  const code = sql.charCodeAt(i);
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code >= 128 && WHITESPACE.test(sql[i] ?? "");
}

/** Length in code units of the code point at i (2 for a surrogate pair). */
function codePointLength(sql: string, i: number): number {
  const cp = sql.codePointAt(i) ?? 0;
  return cp > 0xffff ? 2 : 1;
}

/**
 * "any": the union of the dialects' forms described above (what a statement in any of them may hold).
 * "sqlite": SQLite's own forms (https://www.sqlite.org/lang_keywords.html, tokenize.c): "...", [...] and `...`
 * are quoted identifiers; E'', $$ and { } mean nothing special; ?NNN is refused (the API's placeholder is ?).
 * "postgres": PostgreSQL's (scan.l): block comments nest, { } means nothing special, only ASCII space, \t, \n,
 * \r, \f and \v separate tokens. The PostgreSQL dialect checks what it finds against the real parse tree.
 */
export interface TokenizeOptions {
  flavor?: "any" | "sqlite" | "postgres";
}

/** End of a PostgreSQL block comment starting at `start` (they nest); throws if unterminated. */
function nestedCommentEnd(sql: string, start: number): number {
  let depth = 0;
  for (let i = start; i < sql.length - 1; i++) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i++;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  throw new SqlSyntaxError("unterminated /* comment", start);
}

const POSTGRES_WHITESPACE = new Set([" ", "\t", "\n", "\r", "\f", "\v"]);

export function tokenize(sql: string, options: TokenizeOptions = {}): Token[] {
  const sqlite = options.flavor === "sqlite";
  const postgres = options.flavor === "postgres";
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;

  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: sql.slice(start, end), start, end });
  };

  /** End offset of a quote-delimited run where the quote doubled is an escape; throws if unterminated. */
  const scanQuoted = (start: number, quote: string, what: string, backslashEscapes: boolean): number => {
    let j = start + 1;
    for (;;) {
      if (j >= n) throw new SqlSyntaxError(`unterminated ${what}`, start);
      const c = sql[j];
      if (backslashEscapes && c === "\\") {
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

  while (i < n) {
    const c = sql[i] as string;
    const code = sql.charCodeAt(i);

    if (postgres ? POSTGRES_WHITESPACE.has(c) : isWhitespace(sql, i)) {
      i++;
      continue;
    }

    // Comments.
    if (c === "-" && sql[i + 1] === "-") {
      let j = i + 2;
      while (j < n && sql[j] !== "\n" && sql[j] !== "\r") j++;
      push("comment", i, j);
      i = j;
      continue;
    }
    if (postgres && c === "/" && sql[i + 1] === "*") {
      const end = nestedCommentEnd(sql, i);
      push("comment", i, end);
      i = end;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      if (close < 0) throw new SqlSyntaxError("unterminated /* comment", i);
      push("comment", i, close + 2);
      i = close + 2;
      continue;
    }
    if (c === "{" && !sqlite && !postgres) {
      const close = sql.indexOf("}", i + 1);
      if (close < 0) throw new SqlSyntaxError("unterminated { comment", i);
      push("comment", i, close + 1);
      i = close + 1;
      continue;
    }

    // Strings and quoted identifiers.
    if (c === "'") {
      const end = scanQuoted(i, "'", "string literal", false);
      push("string", i, end);
      i = end;
      continue;
    }
    if (sqlite && (c === "`" || c === "[")) {
      const end = c === "`" ? scanQuoted(i, "`", "quoted identifier", false) : sql.indexOf("]", i + 1) + 1;
      if (end <= 0) throw new SqlSyntaxError("unterminated [quoted identifier]", i);
      push("quoted_identifier", i, end);
      i = end;
      continue;
    }
    if (!sqlite && (c === "E" || c === "e") && sql[i + 1] === "'" && !(i > 0 && isWordPart(sql, i - 1))) {
      const end = scanQuoted(i + 1, "'", "string literal", true);
      push("string", i, end);
      i = end;
      continue;
    }
    if (c === '"') {
      const end = scanQuoted(i, '"', "quoted identifier", false);
      push("quoted_identifier", i, end);
      i = end;
      continue;
    }
    if (c === "$" && !sqlite) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close < 0) throw new SqlSyntaxError("unterminated dollar-quoted string", i);
        const end = close + tag[0].length;
        push("string", i, end);
        i = end;
        continue;
      }
      // `$1`: PostgreSQL's own placeholder syntax is just text to us.
      let j = i + 1;
      while (j < n && isDigit(sql.charCodeAt(j))) j++;
      push("operator", i, j);
      i = j;
      continue;
    }

    if (c === "?") {
      if (sqlite && isDigit(sql.charCodeAt(i + 1))) {
        throw new SqlSyntaxError("SQLite ?NNN parameters are not accepted: write ? placeholders", i);
      }
      push("placeholder", i, i + 1);
      i++;
      continue;
    }
    if (c === ";") {
      push("semicolon", i, i + 1);
      i++;
      continue;
    }

    // Numbers: 12, 1.5, .5, 1., 1e10, 2.5E-3.
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

    if (isWordStart(sql, i)) {
      let j = i + codePointLength(sql, i);
      while (j < n && isWordPart(sql, j)) j += codePointLength(sql, j);
      push("word", i, j);
      i = j;
      continue;
    }

    const two = sql.slice(i, i + 2);
    if (MULTI_CHAR_OPERATORS.includes(two)) {
      push("operator", i, i + 2);
      i += 2;
      continue;
    }
    const len = codePointLength(sql, i);
    push("operator", i, i + len);
    i += len;
  }
  return tokens;
}

/** Tokens that carry meaning: everything except comments. */
export function significantTokens(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== "comment");
}
