// TEST ORACLE: the API's `?` placeholders numbered by PostgreSQL's own scanner (libpg-query scanSync), to
// check the proxy's faster path (src/sql/postgres/placeholders.ts, tokenizer + parse tree) against. A `?` is a
// placeholder only where the scanner reads it as (part of) an operator, never inside a string, a dollar quote,
// a quoted identifier or a (nested) comment.
//
// The rewrite is checked, not trusted: the numbered text is scanned again and must read as the same tokens with
// each `$n` a parameter of its own. Where a `$n` would glue to its neighbour (`a$?` would become the identifier
// `a$$1`, `?1` the parameter `$11`) the text is refused, so the guard always classifies exactly what runs.
// PostgreSQL's own `$n` in the client's text is refused too: the API has one placeholder syntax.
import type { ScanToken } from "libpg-query";
import { PostgresSyntaxError, scanTokens, TOKEN } from "../../src/sql/postgres/parser.js";

const QUESTION_MARK = 0x3f;
/** The characters PostgreSQL operators are made of (scan.l `op_chars`). */
const OPERATOR_CHARACTERS = /^[~!@#^&|`?+\-*/%<>=]+$/;

export interface NumberedText {
  /** The text with `$n` for each placeholder (the input itself when there is none). */
  sql: string;
  count: number;
  /** The scanner's tokens of `sql` (byte offsets). */
  tokens: ScanToken[];
}

export function scannerNumberPlaceholders(sql: string): NumberedText {
  const tokens = scanTokens(sql);
  const bytes = Buffer.from(sql, "utf8");
  const marks: number[] = []; // byte offsets of the placeholders
  for (const token of tokens) {
    if (token.tokenType === TOKEN.param) {
      throw new PostgresSyntaxError(
        "PostgreSQL $n parameters are not accepted in the SQL text: write ? placeholders",
        token.start,
      );
    }
    if (token.tokenType !== TOKEN.operator) continue;
    for (let i = token.start; i < token.end; i++) if (bytes[i] === QUESTION_MARK) marks.push(i);
  }
  if (marks.length === 0) return { sql, count: 0, tokens };

  const parts: Buffer[] = [];
  let copied = 0;
  marks.forEach((offset, index) => {
    parts.push(bytes.subarray(copied, offset), Buffer.from(`$${index + 1}`, "latin1"));
    copied = offset + 1;
  });
  parts.push(bytes.subarray(copied));
  const numbered = Buffer.concat(parts).toString("utf8");
  let numberedTokens: ScanToken[];
  try {
    numberedTokens = scanTokens(numbered);
  } catch {
    throw ambiguous(marks[0] as number);
  }
  verifySameReading(tokens, numberedTokens, marks);
  return { sql: numbered, count: marks.length, tokens: numberedTokens };
}

function ambiguous(offset: number): PostgresSyntaxError {
  return new PostgresSyntaxError(
    "a ? placeholder would merge with the text beside it once numbered ($n); put a space around it",
    offset,
  );
}

/**
 * The numbered text must scan as the original did: every token not holding a `?` unchanged, each `$n` a
 * parameter token exactly where its `?` was, and the rest of an operator that held a `?` (`=` of `=?`)
 * still operator characters.
 */
function verifySameReading(original: readonly ScanToken[], numbered: readonly ScanToken[], marks: readonly number[]) {
  // Where each $n sits in the numbered text.
  const starts: number[] = [];
  const lengths: number[] = [];
  let shift = 0;
  marks.forEach((offset, index) => {
    const length = String(index + 1).length + 1;
    starts.push(offset + shift);
    lengths.push(length);
    shift += length - 1;
  });

  const byStart = new Map<number, ScanToken>();
  const split: ScanToken[] = []; // original operators that held a `?`
  for (const token of original) {
    const holdsMark = token.tokenType === TOKEN.operator && marks.some((m) => m >= token.start && m < token.end);
    if (holdsMark) split.push(token);
    else byStart.set(token.start, token);
  }

  let next = 0; // next placeholder expected
  let shiftBefore = 0; // bytes added by the placeholders before the current token
  let matched = 0;
  let fragmentBytes = 0;
  for (const token of numbered) {
    if (token.tokenType === TOKEN.param) {
      if (token.start !== starts[next] || token.end - token.start !== lengths[next] || token.text !== `$${next + 1}`) {
        throw ambiguous(marks[Math.min(next, marks.length - 1)] as number);
      }
      shiftBefore += (lengths[next] as number) - 1;
      next++;
      continue;
    }
    // A token may not reach into the next placeholder's bytes.
    if (next < starts.length && token.end > (starts[next] as number)) throw ambiguous(marks[next] as number);
    const start = token.start - shiftBefore;
    const end = token.end - shiftBefore;
    const same = byStart.get(start);
    if (same && same.end === end && same.tokenType === token.tokenType) {
      matched++;
      continue;
    }
    // What is left of `=?-` is `=` and `-`: the scanner may return them as operator or single-character tokens.
    const inside = split.some((s) => start >= s.start && end <= s.end);
    if (!inside || !OPERATOR_CHARACTERS.test(token.text)) {
      throw ambiguous(marks[Math.max(0, next - 1)] as number);
    }
    fragmentBytes += end - start;
  }
  const splitBytes = split.reduce((sum, s) => sum + (s.end - s.start), 0) - marks.length;
  if (next !== marks.length || matched !== byStart.size || fragmentBytes !== splitBytes) {
    throw ambiguous(marks[0] as number);
  }
}
