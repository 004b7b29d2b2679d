// Why the Informix lexer or classifier will not pass a statement on. Two verdicts, because the client deserves to
// know which one it hit:
// - "invalid": the text is not Informix SQL by the manual (unterminated comment, a character that has no meaning
//   outside quotes). Mapped to INVALID_ARGUMENT.
// - "ambiguous": the text is valid under one reading that IBM documents (DELIMIDENT on/off, backslash as escape or
//   not, comments that nest in the DRDA client drivers, ODBC escape clauses the CLI rewrites) but means something
//   else under another, so no single class can be trusted. Mapped to PERMISSION_DENIED: the statement may be fine,
//   the proxy refuses to guess.
// Both are SqlSyntaxError, so a caller that only knows that type still refuses them (INVALID_ARGUMENT).
import { SqlSyntaxError } from "../tokenizer.js";

export type InformixVerdict = "invalid" | "ambiguous";

export class InformixSqlRefused extends SqlSyntaxError {
  constructor(
    readonly verdict: InformixVerdict,
    /** Short stable rule id for logs, metrics and error metadata (never client text). */
    readonly rule: string,
    /** What is refused and why, without echoing the SQL text (it may hold literal values). */
    description: string,
    offset: number,
  ) {
    super(description, offset);
    this.name = "InformixSqlRefused";
  }
}

export function invalid(rule: string, description: string, offset: number): InformixSqlRefused {
  return new InformixSqlRefused("invalid", rule, description, offset);
}

export function ambiguous(rule: string, description: string, offset: number): InformixSqlRefused {
  return new InformixSqlRefused("ambiguous", rule, description, offset);
}
