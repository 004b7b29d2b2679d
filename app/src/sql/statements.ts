// Splits a token stream into statements at semicolons. Comments are dropped; statements with no
// tokens (stray or trailing `;`) are skipped.
//
// Routine and trigger bodies contain semicolons that do not end the statement:
// - Informix SPL: CREATE [DBA] PROCEDURE|FUNCTION ... END PROCEDURE|FUNCTION; the statement runs to the
//   next END PROCEDURE / END FUNCTION pair (as dbaccess does).
// - SQLite triggers (CREATE TRIGGER ... BEGIN ...; END) and PostgreSQL SQL-standard bodies
//   (BEGIN ATOMIC ...; END): semicolons inside BEGIN/CASE ... END blocks do not split.
// PostgreSQL $$-quoted bodies are single string tokens already.

import type { Token } from "./tokenizer.js";

export function wordUpper(token: Token | undefined): string {
  return token !== undefined && token.kind === "word" ? token.text.toUpperCase() : "";
}

type BodyStyle = "none" | "informix_routine" | "blocks";

/** Looks at the statement header starting at tokens[i] and says how its body is delimited. */
function bodyStyle(tokens: readonly Token[], i: number): BodyStyle {
  if (wordUpper(tokens[i]) !== "CREATE") return "none";
  let j = i + 1;
  if (wordUpper(tokens[j]) === "OR" && wordUpper(tokens[j + 1]) === "REPLACE") j += 2;
  const modifier = wordUpper(tokens[j]);
  if (modifier === "DBA" || modifier === "TEMP" || modifier === "TEMPORARY") j++;
  const object = wordUpper(tokens[j]);
  if (object === "PROCEDURE" || object === "FUNCTION") return "informix_routine";
  if (object === "TRIGGER") return "blocks";
  return "none";
}

function isRoutineEnd(tokens: readonly Token[], i: number): boolean {
  if (wordUpper(tokens[i]) !== "END") return false;
  const next = wordUpper(tokens[i + 1]);
  return next === "PROCEDURE" || next === "FUNCTION";
}

/** Significant tokens of each non-empty statement, in order. Linear in the number of tokens. */
export function splitStatements(allTokens: readonly Token[]): Token[][] {
  const tokens = allTokens.filter((t) => t.kind !== "comment");

  // Offsets of every END PROCEDURE / END FUNCTION pair, consumed left to right.
  const routineEnds: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (isRoutineEnd(tokens, i)) routineEnds.push(i);
  let nextRoutineEnd = 0;

  const statements: Token[][] = [];
  let current: Token[] = [];
  let style: BodyStyle = "none";
  let routineEndAt = -1; // index of the END PROCEDURE pair closing the current Informix routine
  let blockDepth = 0;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (current.length === 0 && token.kind !== "semicolon") {
      style = bodyStyle(tokens, i);
      blockDepth = 0;
      routineEndAt = -1;
      if (style === "informix_routine") {
        while (nextRoutineEnd < routineEnds.length && (routineEnds[nextRoutineEnd] as number) < i) nextRoutineEnd++;
        if (nextRoutineEnd < routineEnds.length) routineEndAt = routineEnds[nextRoutineEnd] as number;
        else style = "blocks"; // PostgreSQL-style routine: BEGIN ATOMIC ... END, or a $$ body
      }
    }

    if (token.kind === "semicolon") {
      const insideBody = (style === "informix_routine" && i < routineEndAt) || (style === "blocks" && blockDepth > 0);
      if (!insideBody) {
        if (current.length > 0) statements.push(current);
        current = [];
        continue;
      }
    } else if (style === "blocks") {
      const word = wordUpper(token);
      if (word === "BEGIN" || word === "CASE") blockDepth++;
      else if (word === "END" && blockDepth > 0) blockDepth--;
    }
    current.push(token);
  }
  if (current.length > 0) statements.push(current);
  return statements;
}
