// Characters no dialect accepts in SQL text, refused before any lexer runs: a NUL ends the text early for
// C-based parsers and for the wire protocol (libpg-query and the server would read only the part before it),
// and a lone UTF-16 surrogate has no UTF-8 form, so the guard and the database could read different bytes.
import { SqlSyntaxError } from "./tokenizer.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkSqlText(sql: string): void {
  const nul = sql.indexOf("\u0000");
  if (nul >= 0) throw new SqlSyntaxError("the SQL text contains a NUL character", nul);
  const surrogate = LONE_SURROGATE.exec(sql);
  if (surrogate) throw new SqlSyntaxError("the SQL text is not well-formed Unicode", surrogate.index);
}
