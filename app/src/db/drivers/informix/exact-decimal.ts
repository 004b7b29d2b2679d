// ibm_db fetches DECIMAL/NUMERIC/DECFLOAT as C doubles. Columns of precision <= 15 survive that exactly
// (value-mapping.ts prints them with their scale); wider ones would not. For those, a query is re-issued
// with the wide columns cast to text on the server:
//   SELECT q.c1, q.c2::LVARCHAR, ... FROM (<original query>) AS q(c1, c2, ...)
// Only plain SELECTs are rewritten: running them twice has no side effects, and Informix accepts any
// SELECT (with ORDER BY, UNION, FIRST/SKIP) as a derived table in FROM with a derived column list. The decision is
// cached per SQL text, so a repeated statement goes straight to the rewritten form.
import type { IbmDbColumnMetadata } from "./ibm-db-api.js";
import { needsTextFetch } from "./value-mapping.js";

/** Column positions (0-based) that must be fetched as text; empty when the statement can run as is. */
export function textFetchColumns(columns: IbmDbColumnMetadata[]): number[] {
  return columns.flatMap((column, index) => (needsTextFetch(column) ? [index] : []));
}

/**
 * True for statements that only read and can be nested: the first keyword, after comments and
 * parentheses, is SELECT. (A WITH query is not nested: a CTE inside a derived table is not portable
 * across Informix releases; a wide DECIMAL from one is refused rather than rounded.)
 */
export function isRewritableQuery(sql: string): boolean {
  const body = stripLeadingNoise(sql);
  if (!/^select\b/i.test(body)) return false;
  // SELECT ... INTO TEMP writes, and FOR UPDATE cannot sit in a derived table; leave those alone.
  return !/\binto\s+(temp|raw|standard|external)\b/i.test(body) && !/\bfor\s+(update|read\s+only)\b/i.test(body);
}

function stripLeadingNoise(sql: string): string {
  let rest = sql;
  for (;;) {
    const next = rest
      .replace(/^\s+/, "")
      .replace(/^--[^\n]*\n?/, "")
      .replace(/^\/\*[\s\S]*?\*\//, "")
      .replace(/^\{[^}]*\}/, "")
      .replace(/^\(/, "");
    if (next === rest) return rest;
    rest = next;
  }
}

/** The rewritten SQL. Parameters keep their order: the original text is embedded unchanged. */
export function wrapForTextFetch(sql: string, columnCount: number, textColumns: number[]): string {
  const names = Array.from({ length: columnCount }, (_, i) => `c${i + 1}`);
  const textSet = new Set(textColumns);
  const projection = names.map((name, i) => (textSet.has(i) ? `q.${name}::LVARCHAR` : `q.${name}`)).join(", ");
  const inner = sql.trim().replace(/;\s*$/, "");
  return `SELECT ${projection} FROM (${inner}) AS q(${names.join(", ")})`;
}

/** Small per-connection LRU memory of what each SQL text returned (and so whether it needs the rewrite). */
export class RewriteCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly capacity = 256) {}

  get(sql: string): T | undefined {
    const hit = this.entries.get(sql);
    if (hit !== undefined) {
      this.entries.delete(sql);
      this.entries.set(sql, hit); // most recently used last
    }
    return hit;
  }

  set(sql: string, value: T): void {
    this.entries.delete(sql);
    this.entries.set(sql, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
