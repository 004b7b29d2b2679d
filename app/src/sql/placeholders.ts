// Positional `?` placeholders, the only parameter syntax of the API. Drivers whose database wants
// numbered parameters (PostgreSQL `$1`) translate with toNumberedPlaceholders; a `?` inside a string,
// comment or quoted identifier is text and stays as it is. Both functions throw SqlSyntaxError on
// unterminated strings or comments.

import { tokenize } from "./tokenizer.js";

export function countPlaceholders(sql: string): number {
  let count = 0;
  for (const token of tokenize(sql)) if (token.kind === "placeholder") count++;
  return count;
}

/**
 * Rewrites each placeholder `?` to `${prefix}1`, `${prefix}2`, ... in order of appearance; every other
 * character of the input is kept byte-identical.
 */
export function toNumberedPlaceholders(sql: string, prefix = "$"): { sql: string; count: number } {
  const parts: string[] = [];
  let copiedUpTo = 0;
  let count = 0;
  for (const token of tokenize(sql)) {
    if (token.kind !== "placeholder") continue;
    count++;
    parts.push(sql.slice(copiedUpTo, token.start), prefix, String(count));
    copiedUpTo = token.end;
  }
  if (count === 0) return { sql, count };
  parts.push(sql.slice(copiedUpTo));
  return { sql: parts.join(""), count };
}
