// Statement fingerprints: the shape of a statement without its values, for metrics labels, logs and
// slow-query grouping. Literals become `?`, comments go, keywords and unquoted identifiers are
// lower-cased, spacing is canonical, IN lists of any length collapse to `in (?...)` and multi-row
// VALUES lists to their first row followed by `...`.
// A fingerprint never contains a literal value: text that cannot be tokenized (an unterminated
// string or comment) is cut at the point of the error and replaced by `?unterminated`.

import { createHash } from "node:crypto";
import { SqlSyntaxError, type Token, tokenize } from "./tokenizer.js";

/** words after which "(" is not a function call, so a space is kept before it */
const SPACED_BEFORE_PAREN = new Set([
  "in",
  "values",
  "as",
  "from",
  "join",
  "on",
  "and",
  "or",
  "not",
  "exists",
  "where",
  "select",
  "using",
  "over",
  "any",
  "all",
  "some",
  "into",
  "table",
  "with",
  "set",
  "by",
  "when",
  "then",
  "else",
  "union",
  "except",
  "intersect",
  "returning",
  "lateral",
  "recursive",
  "is",
  "like",
  "between",
  "case",
  "distinct",
  "having",
  "limit",
  "offset",
  "first",
  "skip",
  "return",
  "default",
  "check",
  "references",
  "key",
  "unique",
]);

const NO_SPACE_BEFORE = new Set([",", ")", ".", ";", "::", "..."]);
const NO_SPACE_AFTER = new Set(["(", ".", "::"]);

function normalized(token: Token): string {
  switch (token.kind) {
    case "string":
    case "number":
    case "placeholder":
      return "?";
    case "word":
      return token.text.toLowerCase();
    default:
      return token.text;
  }
}

function isOperator(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === "operator" && token.text === text;
}

/** Tokens of the text without comments; on a syntax error, the tokens before it plus a marker. */
function tokensForFingerprint(sql: string): { tokens: Token[]; unterminated: boolean } {
  try {
    return { tokens: tokenize(sql), unterminated: false };
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    return { tokens: tokenize(sql.slice(0, error.offset)), unterminated: true };
  }
}

/** If tokens[open] starts a list of only literals/placeholders, the index of its ")"; else -1. */
function valueListEnd(tokens: readonly Token[], open: number): number {
  let i = open + 1;
  for (;;) {
    if (isOperator(tokens[i], "-") || isOperator(tokens[i], "+")) i++;
    const value = tokens[i];
    if (value === undefined || normalized(value) !== "?" || value.kind === "word") return -1;
    i++;
    if (isOperator(tokens[i], ")")) return i;
    if (!isOperator(tokens[i], ",")) return -1;
    i++;
  }
}

export function fingerprint(sql: string): string {
  const { tokens, unterminated } = tokensForFingerprint(sql);
  return fingerprintOfTokens(tokens, unterminated);
}

/** The fingerprint of SQL already tokenized (the guard has the tokens in hand); comments are ignored. */
export function fingerprintOfTokens(all: readonly Token[], unterminated = false): string {
  const tokens = all.filter((t) => t.kind !== "comment");
  // Trailing semicolons do not change the statement.
  let length = tokens.length;
  while (length > 0 && tokens[length - 1]?.kind === "semicolon") length--;

  const parts: string[] = [];
  let previous = "";
  const emit = (text: string): void => {
    const spaced =
      parts.length > 0 &&
      !NO_SPACE_BEFORE.has(text) &&
      !NO_SPACE_AFTER.has(previous) &&
      !(text === "(" && /^[\p{L}_]/u.test(previous) && !SPACED_BEFORE_PAREN.has(previous));
    if (spaced) parts.push(" ");
    parts.push(text);
    previous = text;
  };

  /** A literal tuple as `(?, ?, ?)`, signs dropped, so rows differing only in values look alike. */
  const emitValueTuple = (all: readonly Token[], open: number, close: number): void => {
    emit("(");
    emit("?");
    for (let j = open + 1; j < close; j++) {
      if (isOperator(all[j], ",")) {
        emit(",");
        emit("?");
      }
    }
    emit(")");
  };

  for (let i = 0; i < length; i++) {
    const token = tokens[i] as Token;
    const text = normalized(token);
    if (text === "in" && token.kind === "word" && isOperator(tokens[i + 1], "(")) {
      const close = valueListEnd(tokens, i + 1);
      if (close >= 0 && close < length) {
        emit("in");
        emit("(");
        emit("?...");
        emit(")");
        i = close;
        continue;
      }
    }
    if (text === "values" && token.kind === "word" && isOperator(tokens[i + 1], "(")) {
      // Multi-row VALUES (?, ?), (?, ?): one tuple stands for any number of rows.
      let close = valueListEnd(tokens, i + 1);
      if (close >= 0 && close < length) {
        emit("values");
        emitValueTuple(tokens, i + 1, close);
        let rows = 1;
        while (isOperator(tokens[close + 1], ",") && isOperator(tokens[close + 2], "(")) {
          const next = valueListEnd(tokens, close + 2);
          if (next < 0 || next >= length) break;
          close = next;
          rows++;
        }
        if (rows > 1) emit("...");
        i = close;
        continue;
      }
    }
    emit(text);
  }
  if (unterminated) emit("?unterminated");
  return parts.join("");
}

/** Short stable id of the fingerprint: first 16 hex digits of its SHA-256. */
export function fingerprintId(sql: string): string {
  return idOfFingerprint(fingerprint(sql));
}

/** The id of an already computed fingerprint (saves fingerprinting twice). */
export function idOfFingerprint(fingerprintText: string): string {
  return createHash("sha256").update(fingerprintText).digest("hex").slice(0, 16);
}
