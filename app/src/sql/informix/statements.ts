// Informix tokens read one way (DELIMIDENT on or off) and split into statements.
// [Syntax: Quoted String; The DELIMIDENT Environment Variable]: "..." is a string unless DELIMIDENT is set, then a
// delimited identifier; '...' is always a string (an owner name may also be written in single quotes, which names
// nothing the classifier looks for).
// [Syntax: CREATE PROCEDURE / CREATE FUNCTION]: an SPL routine's body holds statements ended by semicolons; the
// CREATE statement runs to END PROCEDURE / END FUNCTION, and only the semicolon after that ends it.
import type { InformixToken } from "./lexer.js";

export type ReadKind = "word" | "identifier" | "string" | "number" | "placeholder" | "operator" | "semicolon";

export interface ReadToken {
  kind: ReadKind;
  text: string;
  start: number;
  end: number;
  /** Upper-cased word, or the upper-cased content of a delimited identifier; "" for every other kind. */
  name: string;
}

export function readTokens(tokens: readonly InformixToken[], delimident: boolean): ReadToken[] {
  const out: ReadToken[] = [];
  for (const t of tokens) {
    switch (t.kind) {
      case "comment":
        continue;
      case "word":
        out.push({ kind: "word", text: t.text, start: t.start, end: t.end, name: t.text.toUpperCase() });
        continue;
      case "double_quoted":
        if (delimident) {
          const name = t.text.slice(1, -1).replaceAll('""', '"').toUpperCase();
          out.push({ kind: "identifier", text: t.text, start: t.start, end: t.end, name });
        } else {
          out.push({ kind: "string", text: t.text, start: t.start, end: t.end, name: "" });
        }
        continue;
      case "single_quoted":
        out.push({ kind: "string", text: t.text, start: t.start, end: t.end, name: "" });
        continue;
      default:
        out.push({ kind: t.kind, text: t.text, start: t.start, end: t.end, name: "" });
    }
  }
  return out;
}

/** The keyword a token spells: only undelimited words are keywords ("DELETE" in quotes never is). */
export function keyword(token: ReadToken | undefined): string {
  return token?.kind === "word" ? token.name : "";
}

export function isOperator(token: ReadToken | undefined, text: string): boolean {
  return token?.kind === "operator" && token.text === text;
}

/** Index just past `CREATE [DBA] PROCEDURE|FUNCTION`, or -1 when the statement at i does not start an SPL routine. */
export function routineHeaderEnd(tokens: readonly ReadToken[], i: number): number {
  if (keyword(tokens[i]) !== "CREATE") return -1;
  let j = i + 1;
  if (keyword(tokens[j]) === "OR" && keyword(tokens[j + 1]) === "REPLACE") j += 2;
  if (keyword(tokens[j]) === "DBA") j++;
  const object = keyword(tokens[j]);
  return object === "PROCEDURE" || object === "FUNCTION" ? j + 1 : -1;
}

function isRoutineEnd(tokens: readonly ReadToken[], i: number): boolean {
  if (keyword(tokens[i]) !== "END") return false;
  const next = keyword(tokens[i + 1]);
  return next === "PROCEDURE" || next === "FUNCTION";
}

/** The significant tokens of each non-empty statement, in order. Linear in the number of tokens. */
export function splitStatements(tokens: readonly ReadToken[]): ReadToken[][] {
  const routineEnds: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (isRoutineEnd(tokens, i)) routineEnds.push(i);
  let nextEnd = 0;

  const statements: ReadToken[][] = [];
  let current: ReadToken[] = [];
  let bodyEndsAt = -1; // index of the END of END PROCEDURE closing the current routine
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as ReadToken;
    if (current.length === 0 && token.kind !== "semicolon") {
      bodyEndsAt = -1;
      if (routineHeaderEnd(tokens, i) >= 0) {
        while (nextEnd < routineEnds.length && (routineEnds[nextEnd] as number) < i) nextEnd++;
        // An external routine (EXTERNAL NAME ...) has no END PROCEDURE; when a later routine's END would be taken
        // for this one's, the merged statement is still classified from all its tokens (classifier.ts).
        if (nextEnd < routineEnds.length) bodyEndsAt = routineEnds[nextEnd] as number;
      }
    }
    if (token.kind === "semicolon" && !(i < bodyEndsAt)) {
      if (current.length > 0) statements.push(current);
      current = [];
      continue;
    }
    current.push(token);
  }
  if (current.length > 0) statements.push(current);
  return statements;
}
