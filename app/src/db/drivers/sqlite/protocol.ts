// The messages between a SqliteConnection (main thread) and the worker thread that owns its DatabaseSync.
// Everything here crosses postMessage, so it is plain data: no classes, no functions. Errors travel as
// SerializedDbError and become DbError again on the main thread.
import type { SQLInputValue, SQLOutputValue } from "node:sqlite";
import type { StatementClass } from "../../../core/parsed-statement.js";
import type { IsolationLevel, TableDescription, TableFilter, TableInfo } from "../../driver.js";
import { DbError, type DbErrorKind } from "../../errors.js";
import type { ColumnInfo } from "../../values.js";

/** What the worker opens, passed as workerData. */
export interface WorkerOpenOptions {
  path: string;
  readOnly: boolean;
  /** How long a statement waits for another connection's write lock before SQLITE_BUSY. */
  busyTimeoutMs: number;
  /** One Int32 the main thread sets to 1 when it gives up on the worker: the worker then never commits. */
  abandoned: SharedArrayBuffer;
}

/** SQL text with its placeholder count (from the main thread's one parse), or a statement prepared earlier. */
export type StatementTarget = { sql: string; placeholders: number } | { preparedId: string };

/**
 * The grant classes the caller may run (ExecOptions.permits), enforced in the worker by SQLite's authorizer
 * (authorizer.ts) as a second wall behind the policy guard. Absent: the proxy's own statements, not limited.
 */
export type AllowedClasses = readonly StatementClass[] | undefined;

export interface ExecuteReply {
  columns: ColumnInfo[];
  rows: SQLOutputValue[][];
  rowsAffected: number;
  truncated: boolean;
}

export interface OpenCursorReply {
  /** undefined when the statement is already finished (no rows, or a statement without a result set). */
  cursorId: number | undefined;
  columns: ColumnInfo[];
  /** The first batch, read with the open so the column types are known. */
  rows: SQLOutputValue[][];
  done: boolean;
  rowsAffected: number;
}

export interface FetchReply {
  rows: SQLOutputValue[][];
  done: boolean;
}

/** Each operation with its arguments and its reply. */
export interface Operations {
  version: { args: Record<string, never>; reply: string };
  validate: { args: Record<string, never>; reply: null };
  /** A script of plain SQL without parameters (the demo loader). */
  exec: { args: { sql: string }; reply: null };
  execute: {
    args: { statement: StatementTarget; params: SQLInputValue[]; maxRows: number | undefined; allowed: AllowedClasses };
    reply: ExecuteReply;
  };
  openCursor: {
    args: { statement: StatementTarget; params: SQLInputValue[]; firstBatch: number; allowed: AllowedClasses };
    reply: OpenCursorReply;
  };
  fetch: { args: { cursorId: number; maxRows: number }; reply: FetchReply };
  closeCursor: { args: { cursorId: number }; reply: null };
  prepare: { args: { sql: string; allowed: AllowedClasses }; reply: { id: string } };
  closePrepared: { args: { statementId: string }; reply: null };
  begin: { args: { isolation: IsolationLevel; readOnly: boolean }; reply: null };
  commit: { args: Record<string, never>; reply: null };
  rollback: { args: Record<string, never>; reply: null };
  listTables: { args: { filter: TableFilter }; reply: TableInfo[] };
  describeTable: { args: { schema: string | undefined; table: string }; reply: TableDescription };
  close: { args: Record<string, never>; reply: null };
}

export type Operation = keyof Operations;

export type WorkerRequest = {
  [K in Operation]: { id: number; op: K } & Operations[K]["args"];
}[Operation];

export type WorkerReply =
  | { id: number; ok: true; value: unknown; inTransaction: boolean }
  | { id: number; ok: false; error: SerializedDbError; inTransaction: boolean };

/** The first message of a worker: its database is open, or why it is not. */
export type WorkerReady =
  | {
      ready: true;
      /** The thread's Linux thread id, to lower its priority once it is given up on; undefined elsewhere. */
      threadId: number | undefined;
    }
  | { ready: false; error: SerializedDbError };

export interface SerializedDbError {
  kind: DbErrorKind;
  message: string;
  sqlstate?: string;
  nativeCode?: number;
  connectionBroken: boolean;
}

export function serializeDbError(error: DbError): SerializedDbError {
  return {
    kind: error.kind,
    message: error.message,
    connectionBroken: error.connectionBroken,
    ...(error.sqlstate === undefined ? {} : { sqlstate: error.sqlstate }),
    ...(error.nativeCode === undefined ? {} : { nativeCode: error.nativeCode }),
  };
}

export function deserializeDbError(error: SerializedDbError): DbError {
  return new DbError(error.kind, error.message, {
    connectionBroken: error.connectionBroken,
    ...(error.sqlstate === undefined ? {} : { sqlstate: error.sqlstate }),
    ...(error.nativeCode === undefined ? {} : { nativeCode: error.nativeCode }),
  });
}

/** The ArrayBuffers of BLOB values that own their memory whole: moved to the main thread, not copied. */
export function transferablesOf(rows: SQLOutputValue[][]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const seen = new Set<ArrayBuffer>();
  for (const row of rows) {
    for (const value of row) {
      if (!(value instanceof Uint8Array)) continue;
      const buffer = value.buffer;
      if (
        buffer instanceof ArrayBuffer &&
        value.byteOffset === 0 &&
        value.byteLength === buffer.byteLength &&
        !seen.has(buffer)
      ) {
        seen.add(buffer);
        buffers.push(buffer);
      }
    }
  }
  return buffers;
}
