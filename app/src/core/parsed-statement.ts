// The statement as the proxy understands it: parsed once per call with the target database's own dialect,
// then handed to validation (placeholder count), the guard (classes), the audit trail (fingerprint) and the
// driver (the text it sends). Nothing below reads the SQL text again.
// Bottom layer: imports nothing from the app.

/** What a statement does. `empty` is a text with no statement in it (only comments or `;`). */
export type StatementClass = "read" | "write" | "ddl" | "procedure" | "admin" | "transaction" | "session" | "empty";

export type SqlDialectName = "postgres" | "sqlite" | "informix";

/**
 * Why a statement needs a class. `cause` comes from the dialect's fixed vocabulary (a statement kind, a
 * listed server function's canonical name), never from the client's text, so it may appear in refusals.
 */
export interface StatementEffect {
  statementClass: StatementClass;
  cause: string;
}

/** One statement of the text. */
export interface ClassifiedStatement {
  /** The highest-ranked of `classes` (see CLASS_RANK); what audit records and metrics show. */
  statementClass: StatementClass;
  /** Every class the statement needs, highest first: `WITH d AS (DELETE ...) SELECT pg_read_file(...)` is admin and write. */
  classes: readonly StatementClass[];
  /** One entry per class, saying why; refusals quote the cause of the class that was not granted. */
  effects: readonly StatementEffect[];
  /** The statement's kind as a keyword ("SELECT", "COPY", "DROP"), from the dialect's fixed vocabulary. */
  firstKeyword: string;
  /** SELECT ... INTO TEMP / INTO <table>: looks like a read, creates a table. */
  selectIntoTemp: boolean;
  returnsRows: boolean;
  /** Runs SQL text no classifier can see (DO, EXECUTE IMMEDIATE, EXECUTE of a statement prepared in SQL). */
  dynamicSql: boolean;
}

export interface ParsedStatement {
  readonly dialect: SqlDialectName;
  /** The text as the client sent it. */
  readonly sql: string;
  /** The text the driver sends: PostgreSQL gets `$1, $2 ...` for the API's `?` placeholders. */
  readonly driverSql: string;
  /** Each statement of the text, in order (empty for a text of only comments). */
  readonly statements: readonly ClassifiedStatement[];
  /** The highest-ranked class over all statements; "empty" when there is none. */
  readonly statementClass: StatementClass;
  /** The statement's shape without literal values, comments or spacing (audit, allow-list, logs). */
  readonly fingerprint: string;
  /** Short stable id of the shape: 16 hex digits. */
  readonly fingerprintId: string;
  /** Number of `?` placeholders. */
  readonly placeholderCount: number;
}

/**
 * One per database dialect (app/src/sql/). parse() throws SqlSyntaxError (app/src/sql/tokenizer.ts) for a
 * text the dialect rejects, which the service maps to INVALID_ARGUMENT before the database sees it.
 */
export interface SqlDialect {
  readonly name: SqlDialectName;
  parse(sql: string): ParsedStatement;
}

/**
 * Ranking used to name one class for several: a text is as dangerous as its worst statement, a statement as its
 * worst effect.
 */
export const CLASS_RANK: readonly StatementClass[] = [
  "empty",
  "read",
  "transaction",
  "session",
  "write",
  "procedure",
  "admin",
  "ddl",
];

/** The highest-ranked class of the list ("empty" for none). */
export function highestClass(classes: Iterable<StatementClass>): StatementClass {
  let best: StatementClass = "empty";
  for (const c of classes) if (CLASS_RANK.indexOf(c) > CLASS_RANK.indexOf(best)) best = c;
  return best;
}

/** The classes of the effects, each once, highest first. */
export function classesOf(effects: readonly StatementEffect[]): StatementClass[] {
  const unique = new Set(effects.map((e) => e.statementClass));
  return [...unique].sort((a, b) => CLASS_RANK.indexOf(b) - CLASS_RANK.indexOf(a));
}
