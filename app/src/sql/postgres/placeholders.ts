// The API's `?` placeholders become PostgreSQL's `$1, $2 ...`. The tokenizer in its PostgreSQL flavor (nested
// comments, dollar quotes, E'' strings, quoted identifiers) proposes where they are; the parse tree decides:
// the dialect requires every `$n` inserted here to come back from PostgreSQL's parser as parameter n at exactly
// that byte, and no other parameter (verifyPlaceholders). A `?` the tokenizer misplaced (inside what
// PostgreSQL reads as a comment or string, or glued to a neighbour: `a$?` -> `a$$1`, `?1` -> `$11`) therefore
// makes the text INVALID_ARGUMENT instead of changing what runs. PostgreSQL's own `$n` in the client's text is
// refused: the API has one placeholder syntax.
import { SqlSyntaxError, type Token, tokenize } from "../tokenizer.js";

export interface NumberedText {
  /** The text with `$n` for each placeholder (the input itself when there is none). */
  sql: string;
  count: number;
  /** The tokenizer's tokens of the client's text (for the fingerprint). */
  tokens: Token[];
  /** UTF-8 byte offset of each `$n` in `sql`, in order: where the parser must report parameter n. */
  byteOffsets: number[];
}

const NUMBERED_PARAMETER = /^\$\d+$/;

export function numberPlaceholders(sql: string): NumberedText {
  const tokens = tokenize(sql, { flavor: "postgres" }); // throws SqlSyntaxError
  const parts: string[] = [];
  const byteOffsets: number[] = [];
  let copied = 0;
  let bytes = 0;
  for (const token of tokens) {
    if (token.kind === "operator" && NUMBERED_PARAMETER.test(token.text)) {
      throw new SqlSyntaxError(
        "PostgreSQL $n parameters are not accepted in the SQL text: write ? placeholders",
        token.start,
      );
    }
    if (token.kind !== "placeholder") continue;
    const before = sql.slice(copied, token.start);
    bytes += Buffer.byteLength(before, "utf8");
    byteOffsets.push(bytes);
    const parameter = `$${byteOffsets.length}`;
    parts.push(before, parameter);
    bytes += parameter.length;
    copied = token.end;
  }
  if (byteOffsets.length === 0) return { sql, count: 0, tokens, byteOffsets };
  parts.push(sql.slice(copied));
  return { sql: parts.join(""), count: byteOffsets.length, tokens, byteOffsets };
}

/** A parameter as PostgreSQL's parser reports it: ParamRef number and byte location. */
export interface ParameterReference {
  number: number;
  location: number;
}

/**
 * Throws unless the parser found exactly the parameters numberPlaceholders inserted, each where it was put, and
 * no `?` left over as an operator name.
 */
export function verifyPlaceholders(
  numbered: NumberedText,
  found: readonly ParameterReference[],
  questionMarkOperator: boolean,
): void {
  const refuse = () =>
    new SqlSyntaxError(
      "a ? placeholder does not read as a parameter in PostgreSQL's grammar; put a space around it",
      0,
    );
  if (questionMarkOperator) throw refuse();
  if (found.length !== numbered.count) throw refuse();
  const sorted = [...found].sort((a, b) => a.location - b.location);
  sorted.forEach((reference, index) => {
    if (reference.number !== index + 1 || reference.location !== numbered.byteOffsets[index]) throw refuse();
  });
}
