// The SQLite side of one connection, inside its worker thread: the DatabaseSync, its prepared statements
// and open cursors, and the operations of protocol.ts. Everything runs synchronously here; the main thread
// never waits on it except through messages, so a long statement blocks only this thread.
//
// An auto-commit write runs inside a transaction the worker opens itself and commits only while the main
// thread still wants the result. node:sqlite cannot interrupt a statement: when the main thread gives up
// (deadline, timeout_ms, cancel) it sets the shared `abandoned` flag and terminates the worker. A statement
// between rows stops there and its transaction rolls back as the connection closes; a statement inside one
// long SQLite step runs on until that step returns, then finds the flag set and rolls back instead of
// committing. Either way an abandoned write is never committed.
//
// Limits, by design of SQLite and node:sqlite:
// - SQLite has no exact decimal type: declare exact columns with TEXT affinity (e.g. DECIMAL_TEXT(32,10),
//   see demo/schema.ts), because a column declared DECIMAL gets NUMERIC affinity and long decimal text is
//   stored as a lossy REAL;
// - isolation: SQLite transactions are always serializable; "serializable" takes the write lock up front
//   (BEGIN IMMEDIATE), a read-only transaction sets PRAGMA query_only for its duration.
import { randomUUID } from "node:crypto";
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite";
import type { IsolationLevel } from "../../driver.js";
import { DbError } from "../../errors.js";
import type { ColumnInfo } from "../../values.js";
import { mapSqliteError } from "./errors.js";
import { describeTable, listTables } from "./metadata.js";
import type {
  AllowedClasses,
  ExecuteReply,
  FetchReply,
  OpenCursorReply,
  Operations,
  StatementTarget,
  WorkerOpenOptions,
  WorkerRequest,
} from "./protocol.js";
import { columnInfo, portableTypeOfValue } from "./values.js";
import { compileStatement, type StatementShape } from "./worker-authorizer.js";

type RowIterator = Iterator<SQLOutputValue[]> & { return?(): IteratorResult<SQLOutputValue[]> };

interface Prepared {
  statement: StatementSync;
  shape: StatementShape;
}

/** Expression columns have no declared type: take it from the first row's values. */
export function refineColumns(columns: ColumnInfo[], firstRow: SQLOutputValue[] | undefined): ColumnInfo[] {
  if (!firstRow) return columns;
  return columns.map((column, index) =>
    column.type === "unknown" && column.nativeType === ""
      ? { ...column, type: portableTypeOfValue(firstRow[index] ?? null) }
      : column,
  );
}

/** Reads up to max rows; done when the statement has no more. */
function readRows(iterator: RowIterator, max: number): { rows: SQLOutputValue[][]; done: boolean } {
  const rows: SQLOutputValue[][] = [];
  while (rows.length < max) {
    const step = iterator.next();
    if (step.done) return { rows, done: true };
    rows.push(step.value);
  }
  return { rows, done: false };
}

export class WorkerDatabase {
  private readonly db: DatabaseSync;
  private readonly abandonedFlag: Int32Array;
  private readonly readOnly: boolean;
  private readonly prepared = new Map<string, Prepared>();
  private readonly cursors = new Map<number, RowIterator>();
  private nextCursorId = 1;
  private readOnlyTransaction = false;

  constructor(options: WorkerOpenOptions) {
    this.abandonedFlag = new Int32Array(options.abandoned);
    this.readOnly = options.readOnly;
    try {
      this.db = new DatabaseSync(options.path, {
        readOnly: options.readOnly,
        timeout: options.busyTimeoutMs,
        enableForeignKeyConstraints: true,
      });
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  get inTransaction(): boolean {
    return this.db.isOpen && this.db.isTransaction;
  }

  /** The main thread has given up on this worker: nothing may be committed any more. */
  get abandoned(): boolean {
    return Atomics.load(this.abandonedFlag, 0) === 1;
  }

  handle(request: WorkerRequest): unknown {
    switch (request.op) {
      case "version":
        return `SQLite ${(this.db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v}`;
      case "validate":
        this.db.prepare("SELECT 1").get();
        return null;
      case "exec":
        this.db.exec(request.sql);
        return null;
      case "execute":
        return this.execute(request);
      case "openCursor":
        return this.openCursor(request);
      case "fetch":
        return this.fetch(request.cursorId, request.maxRows);
      case "closeCursor":
        this.closeCursor(request.cursorId);
        return null;
      case "prepare":
        return this.prepare(request.sql, request.allowed);
      case "closePrepared":
        // StatementSync has no explicit finalize; dropping the last reference lets it be finalized.
        this.prepared.delete(request.statementId);
        return null;
      case "begin":
        this.begin(request.isolation, request.readOnly);
        return null;
      case "commit":
        this.endTransaction("COMMIT");
        return null;
      case "rollback":
        this.endTransaction("ROLLBACK");
        return null;
      case "listTables":
        return listTables(this.db, request.filter);
      case "describeTable":
        return describeTable(this.db, request.schema, request.table);
      case "close":
        this.close();
        return null;
      default:
        throw new DbError("internal", `unknown worker operation ${(request as { op: string }).op}`);
    }
  }

  /** Rolls back whatever is open and closes: the last act of an abandoned worker. */
  close(): void {
    for (const iterator of this.cursors.values()) this.finish(iterator);
    this.cursors.clear();
    this.prepared.clear();
    if (!this.db.isOpen) return;
    if (this.db.isTransaction) {
      try {
        this.db.exec("ROLLBACK");
      } catch {
        // closing rolls back too
      }
    }
    this.db.close();
  }

  private execute(args: Operations["execute"]["args"]): ExecuteReply {
    const { statement, shape } = this.statementFor(args.statement, args.allowed);
    const declared = statement.columns();
    return this.guardedWrite(shape, () => {
      if (declared.length === 0) {
        const result = statement.run(...args.params);
        return { columns: [], rows: [], rowsAffected: Number(result.changes), truncated: false };
      }
      const limit = args.maxRows ?? Number.POSITIVE_INFINITY;
      const iterator = statement.iterate(...args.params) as RowIterator;
      let rows: SQLOutputValue[][];
      let truncated = false;
      try {
        // One row past the limit tells a complete result from a truncated one.
        const read = readRows(iterator, limit === Number.POSITIVE_INFINITY ? limit : limit + 1);
        rows = read.rows;
        if (rows.length > limit) {
          rows.length = limit;
          truncated = true;
        }
      } finally {
        this.finish(iterator);
      }
      const columns = refineColumns(
        declared.map((c) => columnInfo(c.name, c.type)),
        rows[0],
      );
      return { columns, rows, rowsAffected: 0, truncated };
    });
  }

  private openCursor(args: Operations["openCursor"]["args"]): OpenCursorReply {
    const { statement, shape } = this.statementFor(args.statement, args.allowed);
    const declared = statement.columns();
    const columnsOf = (first: SQLOutputValue[] | undefined) =>
      refineColumns(
        declared.map((c) => columnInfo(c.name, c.type)),
        first,
      );
    if (declared.length === 0) {
      const result = this.guardedWrite(shape, () => statement.run(...args.params));
      return { cursorId: undefined, columns: [], rows: [], done: true, rowsAffected: Number(result.changes) };
    }
    if (this.mustGuard(shape)) {
      // A write with RETURNING: SQLite makes every change in the first step anyway, so the rows are read
      // whole inside the guarded transaction and served from here.
      const rows = this.guardedWrite(shape, () => {
        const iterator = statement.iterate(...args.params) as RowIterator;
        try {
          return readRows(iterator, Number.POSITIVE_INFINITY).rows;
        } finally {
          this.finish(iterator);
        }
      });
      const first = rows.slice(0, args.firstBatch);
      const rest = rows.slice(args.firstBatch);
      const done = rest.length === 0;
      return {
        cursorId: done ? undefined : this.register(rest[Symbol.iterator]() as RowIterator),
        columns: columnsOf(rows[0]),
        rows: first,
        done,
        rowsAffected: 0,
      };
    }
    const iterator = statement.iterate(...args.params) as RowIterator;
    let read: { rows: SQLOutputValue[][]; done: boolean };
    try {
      read = readRows(iterator, Math.max(1, args.firstBatch));
    } catch (error) {
      this.finish(iterator);
      throw error;
    }
    if (read.done) this.finish(iterator);
    return {
      cursorId: read.done ? undefined : this.register(iterator),
      columns: columnsOf(read.rows[0]),
      rows: read.rows,
      done: read.done,
      rowsAffected: 0,
    };
  }

  private fetch(cursorId: number, maxRows: number): FetchReply {
    const iterator = this.cursors.get(cursorId);
    if (!iterator) return { rows: [], done: true };
    try {
      const read = readRows(iterator, maxRows);
      if (read.done) this.closeCursor(cursorId);
      return read;
    } catch (error) {
      this.closeCursor(cursorId);
      throw error;
    }
  }

  private closeCursor(cursorId: number): void {
    const iterator = this.cursors.get(cursorId);
    if (!iterator) return;
    this.cursors.delete(cursorId);
    this.finish(iterator);
  }

  private register(iterator: RowIterator): number {
    const id = this.nextCursorId++;
    this.cursors.set(id, iterator);
    return id;
  }

  /** Resets the statement so SQLite releases its read lock now, not when it is garbage-collected. */
  private finish(iterator: RowIterator): void {
    try {
      iterator.return?.();
    } catch {
      // already finalized with its connection
    }
  }

  private prepare(sql: string, allowed: AllowedClasses): { id: string } {
    const prepared = compileStatement(this.db, sql, allowed);
    configure(prepared.statement);
    const id = randomUUID();
    this.prepared.set(id, prepared);
    return { id };
  }

  /** The statement to run; the main thread has checked its placeholders against the parameters. */
  private statementFor(target: StatementTarget, allowed: AllowedClasses): Prepared {
    if ("preparedId" in target) {
      const prepared = this.prepared.get(target.preparedId);
      if (!prepared) {
        throw new DbError("undefined_object", `prepared statement ${target.preparedId} is not open on this connection`);
      }
      return prepared;
    }
    const compiled = compileStatement(this.db, target.sql, allowed);
    configure(compiled.statement);
    return compiled;
  }

  private mustGuard(shape: StatementShape): boolean {
    return shape.writes && !shape.controls && !this.readOnly && !this.db.isTransaction;
  }

  /** Runs an auto-commit write in a transaction of its own, committed only if the main thread still waits. */
  private guardedWrite<T>(shape: StatementShape, work: () => T): T {
    if (!this.mustGuard(shape)) return work();
    // IMMEDIATE: the write lock is taken (or waited for) up front, as the statement would take it anyway.
    this.db.exec("BEGIN IMMEDIATE");
    let value: T;
    try {
      value = work();
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
    if (this.abandoned) {
      this.db.exec("ROLLBACK");
      throw new DbError("timeout", "statement abandoned after its deadline; its changes were rolled back");
    }
    try {
      this.db.exec("COMMIT");
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
    return value;
  }

  private begin(isolation: IsolationLevel, readOnly: boolean): void {
    if (this.db.isTransaction) throw new DbError("transaction_state", "a transaction is already active");
    this.db.exec(isolation === "serializable" ? "BEGIN IMMEDIATE" : "BEGIN");
    if (readOnly) {
      this.db.exec("PRAGMA query_only = ON");
      this.readOnlyTransaction = true;
    }
  }

  private endTransaction(verb: "COMMIT" | "ROLLBACK"): void {
    if (!this.db.isTransaction) {
      throw new DbError("transaction_state", `cannot ${verb.toLowerCase()} - no transaction is active`);
    }
    if (verb === "COMMIT" && this.abandoned) {
      throw new DbError("timeout", "connection abandoned; the transaction is rolled back");
    }
    try {
      this.db.exec(verb);
    } finally {
      if (this.readOnlyTransaction) {
        this.readOnlyTransaction = false;
        this.db.exec("PRAGMA query_only = OFF");
      }
    }
  }
}

function configure(statement: StatementSync): void {
  statement.setReadBigInts(true); // integers beyond 2^53 stay exact
  statement.setReturnArrays(true); // duplicate column names keep their own values
}
