// The readable fingerprint of a PostgreSQL statement, from PostgreSQL's own scanner: comments go, every
// constant (string, dollar-quoted, E'', U&'', bit, hex, number) and every parameter becomes `?`, keywords
// and unquoted identifiers are lower-cased (as the server folds them), spacing is canonical. It can never hold
// a literal value, because the scanner, not a guess, says what a literal is.
// The fingerprint id is libpg_query's own fingerprint of the parse tree (parser.ts treeFingerprint), which
// ignores values, so statements that differ only in their values share both.
import type { ScanToken } from "libpg-query";
import { TOKEN } from "./parser.js";

const NO_SPACE_BEFORE = new Set([",", ")", ".", ";", "::", "[", "]"]);
const NO_SPACE_AFTER = new Set(["(", ".", "::", "["]);

function isComment(token: ScanToken): boolean {
  return token.tokenType === TOKEN.lineComment || token.tokenType === TOKEN.blockComment;
}

function display(token: ScanToken): string {
  if (token.tokenType === TOKEN.param || TOKEN.constants.has(token.tokenType)) return "?";
  // Quoted identifiers keep their case (the server does too); keywords and plain names fold to lower case.
  if (token.text.startsWith('"') || /^u&"/i.test(token.text)) return token.text;
  return token.keywordKind !== 0 || /^[\p{L}_]/u.test(token.text) ? token.text.toLowerCase() : token.text;
}

/** `tokens` are the scanner's tokens of the text the driver sends. */
export function readableFingerprint(tokens: readonly ScanToken[]): string {
  const significant = tokens.filter((t) => !isComment(t));
  let length = significant.length;
  while (length > 0 && significant[length - 1]?.text === ";") length--;
  const parts: string[] = [];
  let previous = "";
  for (let i = 0; i < length; i++) {
    const text = display(significant[i] as ScanToken);
    const isCall = text === "(" && /[\p{L}\p{N}_"]$/u.test(previous) && !KEYWORDS_BEFORE_PAREN.has(previous);
    if (parts.length > 0 && !NO_SPACE_BEFORE.has(text) && !NO_SPACE_AFTER.has(previous) && !isCall) parts.push(" ");
    parts.push(text);
    previous = text;
  }
  return parts.join("");
}

/** Words after which "(" opens a list or sub-query rather than a call's arguments. */
const KEYWORDS_BEFORE_PAREN = new Set([
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
  "is",
  "case",
  "having",
  "explain",
  "copy",
  "do",
  "call",
]);
