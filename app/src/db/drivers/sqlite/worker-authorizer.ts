// How the worker compiles a caller's statement. SQLite's authorizer is asked about every action while a
// statement compiles; the worker listens to learn whether the statement writes, so it can wrap an auto-commit
// write in a transaction it commits only if the main thread still wants the result (worker-database.ts). With
// the caller's grant classes (ExecOptions.permits, sent along as protocol.ts AllowedClasses) the same compile
// goes through authorizer.ts, the second wall that refuses what those classes do not cover.
import { constants, type DatabaseSync, type StatementSync } from "node:sqlite";
import { prepareAuthorized } from "./authorizer.js";
import type { AllowedClasses } from "./protocol.js";

const WRITE_ACTIONS = new Set<number>([
  constants.SQLITE_INSERT,
  constants.SQLITE_UPDATE,
  constants.SQLITE_DELETE,
  constants.SQLITE_CREATE_INDEX,
  constants.SQLITE_CREATE_TABLE,
  constants.SQLITE_CREATE_TEMP_INDEX,
  constants.SQLITE_CREATE_TEMP_TABLE,
  constants.SQLITE_CREATE_TEMP_TRIGGER,
  constants.SQLITE_CREATE_TEMP_VIEW,
  constants.SQLITE_CREATE_TRIGGER,
  constants.SQLITE_CREATE_VIEW,
  constants.SQLITE_DROP_INDEX,
  constants.SQLITE_DROP_TABLE,
  constants.SQLITE_DROP_TEMP_INDEX,
  constants.SQLITE_DROP_TEMP_TABLE,
  constants.SQLITE_DROP_TEMP_TRIGGER,
  constants.SQLITE_DROP_TEMP_VIEW,
  constants.SQLITE_DROP_TRIGGER,
  constants.SQLITE_DROP_VIEW,
  constants.SQLITE_ALTER_TABLE,
  constants.SQLITE_REINDEX,
  constants.SQLITE_ANALYZE,
  constants.SQLITE_CREATE_VTABLE,
  constants.SQLITE_DROP_VTABLE,
]);

// Statements that manage transactions or the connection itself must not run inside a transaction we open.
const CONTROL_ACTIONS = new Set<number>([
  constants.SQLITE_TRANSACTION,
  constants.SQLITE_SAVEPOINT,
  constants.SQLITE_ATTACH,
  constants.SQLITE_DETACH,
  constants.SQLITE_PRAGMA,
]);

export interface StatementShape {
  /** It changes the database (DML or DDL). */
  writes: boolean;
  /** It begins or ends a transaction, attaches a database or runs a pragma. */
  controls: boolean;
}

/** Compiles a caller's statement (under the caller's grant classes when given) and says what it does. */
export function compileStatement(
  db: DatabaseSync,
  sql: string,
  allowed: AllowedClasses,
): { statement: StatementSync; shape: StatementShape } {
  const shape: StatementShape = { writes: false, controls: false };
  const observe = (action: number) => {
    if (WRITE_ACTIONS.has(action)) shape.writes = true;
    if (CONTROL_ACTIONS.has(action)) shape.controls = true;
  };
  if (allowed) return { statement: prepareAuthorized(db, sql, new Set(allowed), observe), shape };
  db.setAuthorizer((action) => {
    observe(action);
    return constants.SQLITE_OK;
  });
  try {
    return { statement: db.prepare(sql), shape };
  } finally {
    // The worker's own statements (BEGIN, COMMIT, pragmas, metadata) compile unobserved.
    db.setAuthorizer(null);
  }
}
