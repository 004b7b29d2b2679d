// Statements that run SQL text assembled at run time, which no classifier can look into: a PostgreSQL
// anonymous code block (DO $$ ... $$) and EXECUTE IMMEDIATE (Informix, SQL standard). The statement policy
// treats them as able to run anything, DDL included.

import { wordUpper } from "./statements.js";
import type { Token } from "./tokenizer.js";

/** `tokens` are one statement's significant tokens, as splitStatements returns them. */
export function runsDynamicSql(tokens: readonly Token[]): boolean {
  let i = 0;
  while (tokens[i]?.kind === "operator" && tokens[i]?.text === "(") i++;
  const first = wordUpper(tokens[i]);
  return first === "DO" || (first === "EXECUTE" && wordUpper(tokens[i + 1]) === "IMMEDIATE");
}
