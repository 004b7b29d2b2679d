// One SQLite connection = one DatabaseSync. Statements run synchronously on the event loop thread, so
// results are read in slices with yields in between (see cursor.ts).
//
// Limits, by design of SQLite and node:sqlite:
// - a single step of a statement cannot be interrupted; cancellation takes effect between row slices
//   (and before a statement starts);
// - SQLite has no exact decimal type: declare exact columns with TEXT affinity (e.g. DECIMAL_TEXT(32,10),
//   see demo/schema-sqlite.ts), because a column declared DECIMAL gets NUMERIC affinity and long decimal
//   text is stored as a lossy REAL;
// - isolation: SQLite transactions are always serializable; "serializable" takes the write lock up front
//   (BEGIN IMMEDIATE), a read-only transaction sets PRAGMA query_only for its duration.

import { randomUUID } from "node:crypto";
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite";
import type { ParsedStatement } from "../../../core/parsed-statement.js";
import { dialectFor } from "../../../sql/dialects.js";
import type {
  Connection,
  Cursor,
  ExecOptions,
  ExecResult,
  IsolationLevel,
  PreparedStatement,
  PrepareOptions,
  StatementRef,
  TableDescription,
  TableFilter,
  TableInfo,
} from "../../driver.js";
import { DbError } from "../../errors.js";
import { nextConnectionId } from "../../pool-connection-ids.js";
import type { Row, SqlValue } from "../../values.js";
import { prepareAuthorized } from "./authorizer.js";
import {
  mapRow,
  ROWS_PER_SLICE,
  refineColumns,
  SqliteChangesCursor,
  SqliteRowCursor,
  throwIfAborted,
  yieldToEventLoop,
} from "./cursor.js";
import { mapSqliteError } from "./errors.js";
import { describeTable, listTables } from "./metadata.js";
import { columnInfo, toSqliteParam } from "./values.js";

export interface SqliteConnectionOptions {
  path: string;
  readOnly: boolean;
  /** How long a statement waits for another connection's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

export class SqliteConnection implements Connection {
  readonly id = nextConnectionId();
  readonly driver = "sqlite" as const;
  private brokenFlag = false;
  private readonly db: DatabaseSync;
  private readonly prepared = new Map<string, StatementSync>();
  private readOnlyTransaction = false;

  constructor(options: SqliteConnectionOptions) {
    try {
      this.db = new DatabaseSync(options.path, {
        readOnly: options.readOnly,
        timeout: options.busyTimeoutMs ?? 5000,
        enableForeignKeyConstraints: true,
      });
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  /** The raw handle, for the demo loader. */
  get database(): DatabaseSync {
    return this.db;
  }

  get broken(): boolean {
    return this.brokenFlag || !this.db.isOpen;
  }

  get inTransaction(): boolean {
    return this.db.isOpen && this.db.isTransaction;
  }

  async serverVersion(): Promise<string> {
    const row = this.run(() => this.db.prepare("SELECT sqlite_version() AS v").get()) as { v: string };
    return `SQLite ${row.v}`;
  }

  async validate(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    this.run(() => this.db.prepare("SELECT 1").get());
  }

  async execute(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<ExecResult> {
    throwIfAborted(options.signal);
    const stmt = this.statementFor(statement, params, options.permits);
    const bound = params.map(toSqliteParam);
    const declared = this.run(() => stmt.columns());
    if (declared.length === 0) {
      const result = this.run(() => stmt.run(...bound));
      return { columns: [], rows: [], rowsAffected: Number(result.changes), truncated: false };
    }
    const limit = options.maxRows ?? Number.POSITIVE_INFINITY;
    const raw: SQLOutputValue[][] = [];
    let truncated = false;
    const iterator = this.run(() => stmt.iterate(...bound)) as Iterator<SQLOutputValue[]> & { return?(): unknown };
    try {
      for (;;) {
        throwIfAborted(options.signal);
        let step: IteratorResult<SQLOutputValue[]> | undefined;
        for (let i = 0; i < ROWS_PER_SLICE; i++) {
          step = iterator.next();
          if (step.done) break;
          if (raw.length >= limit) {
            truncated = true;
            break;
          }
          raw.push(step.value);
        }
        if (step?.done || truncated) break;
        await yieldToEventLoop();
      }
    } catch (error) {
      throw mapSqliteError(error);
    } finally {
      iterator.return?.();
    }
    const columns = refineColumns(
      declared.map((c) => columnInfo(c.name, c.type)),
      raw.find(() => true),
    );
    const types = columns.map((c) => c.type);
    const rows: Row[] = raw.map((r) => mapRow(r, types));
    return { columns, rows, rowsAffected: 0, truncated };
  }

  async openCursor(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<Cursor> {
    throwIfAborted(options.signal);
    const stmt = this.statementFor(statement, params, options.permits);
    const bound = params.map(toSqliteParam);
    const declared = this.run(() => stmt.columns());
    if (declared.length === 0) return new SqliteChangesCursor(this.run(() => stmt.run(...bound)));
    const iterator = this.run(() => stmt.iterate(...bound)) as Iterator<SQLOutputValue[]> & {
      return?(): IteratorResult<SQLOutputValue[]>;
    };
    // The first row is read now: it types the expression columns that SQLite leaves undeclared.
    let first: IteratorResult<SQLOutputValue[]>;
    try {
      first = iterator.next();
    } catch (error) {
      iterator.return?.();
      throw mapSqliteError(error);
    }
    const columns = refineColumns(
      declared.map((c) => columnInfo(c.name, c.type)),
      first.done ? undefined : first.value,
    );
    return new SqliteRowCursor(iterator, columns, first.done ? undefined : first.value, options.signal, () => {});
  }

  async prepare(sql: string, options: PrepareOptions = {}): Promise<PreparedStatement> {
    const parameterCount = this.placeholderCount({ sql, parsed: options.parsed });
    const stmt = this.compile(sql, options.permits);
    this.configure(stmt);
    const id = randomUUID();
    this.prepared.set(id, stmt);
    return { id, sql, parameterCount };
  }

  async closePrepared(statement: PreparedStatement): Promise<void> {
    // StatementSync has no explicit finalize; dropping the last reference lets it be finalized.
    this.prepared.delete(statement.id);
  }

  async begin(isolation: IsolationLevel, readOnly: boolean): Promise<void> {
    if (this.inTransaction) throw new DbError("transaction_state", "a transaction is already active");
    this.run(() => this.db.exec(isolation === "serializable" ? "BEGIN IMMEDIATE" : "BEGIN"));
    if (readOnly) {
      this.run(() => this.db.exec("PRAGMA query_only = ON"));
      this.readOnlyTransaction = true;
    }
  }

  async commit(): Promise<void> {
    if (!this.inTransaction) throw new DbError("transaction_state", "cannot commit - no transaction is active");
    try {
      this.run(() => this.db.exec("COMMIT"));
    } finally {
      this.endReadOnly();
    }
  }

  async rollback(): Promise<void> {
    if (!this.inTransaction) throw new DbError("transaction_state", "cannot rollback - no transaction is active");
    try {
      this.run(() => this.db.exec("ROLLBACK"));
    } finally {
      this.endReadOnly();
    }
  }

  async listTables(filter: TableFilter): Promise<TableInfo[]> {
    return this.run(() => listTables(this.db, filter));
  }

  async describeTable(schema: string | undefined, table: string): Promise<TableDescription> {
    return this.run(() => describeTable(this.db, schema, table));
  }

  async close(): Promise<void> {
    this.prepared.clear();
    if (this.db.isOpen) this.db.close();
  }

  private endReadOnly(): void {
    if (!this.readOnlyTransaction) return;
    this.readOnlyTransaction = false;
    this.run(() => this.db.exec("PRAGMA query_only = OFF"));
  }

  /** Client statements compile under SQLite's authorizer when the caller's classes are known. */
  private compile(sql: string, permits: ExecOptions["permits"]): StatementSync {
    return this.run(() => (permits ? prepareAuthorized(this.db, sql, permits) : this.db.prepare(sql)));
  }

  private statementFor(statement: StatementRef, params: SqlValue[], permits: ExecOptions["permits"]): StatementSync {
    if ("prepared" in statement) {
      const stmt = this.prepared.get(statement.prepared.id);
      if (!stmt)
        throw new DbError(
          "undefined_object",
          `prepared statement ${statement.prepared.id} is not open on this connection`,
        );
      this.checkParameterCount(statement.prepared.parameterCount, params.length);
      return stmt;
    }
    this.checkParameterCount(this.placeholderCount(statement), params.length);
    const stmt = this.compile(statement.sql, permits);
    this.configure(stmt);
    return stmt;
  }

  private configure(stmt: StatementSync): void {
    stmt.setReadBigInts(true); // integers beyond 2^53 stay exact
    stmt.setReturnArrays(true); // duplicate column names keep their own values
  }

  /** Placeholders of a single statement. SQLite would silently ignore everything after the first one. */
  private placeholderCount(statement: { sql: string; parsed?: ParsedStatement | undefined }): number {
    try {
      const parsed = statement.parsed ?? dialectFor("sqlite").parse(statement.sql);
      if (parsed.statements.length > 1) {
        throw new DbError("invalid_statement", "one statement per request: the SQL text holds several");
      }
      return parsed.placeholderCount;
    } catch (error) {
      if (error instanceof DbError) throw error;
      throw new DbError("invalid_statement", error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  private checkParameterCount(expected: number, actual: number): void {
    // SQLite itself would bind NULL to missing parameters without complaint.
    if (expected !== actual) {
      throw new DbError("invalid_statement", `statement has ${expected} parameter(s), ${actual} given`);
    }
  }

  private run<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      const mapped = mapSqliteError(error);
      if (mapped.connectionBroken) this.brokenFlag = true;
      throw mapped;
    }
  }
}
