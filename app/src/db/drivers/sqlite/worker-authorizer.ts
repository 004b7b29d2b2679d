// The one SQLite authorizer of a worker's connection (SQLite allows one per connection). SQLite calls it
// while it prepares a statement, once per action (read a column, insert into a table, begin a transaction).
// It does two jobs:
// - it records whether the statement writes, so the worker can wrap an auto-commit write in a transaction
//   it commits only if the main thread still wants the result (see worker-database.ts);
// - it is the place for a per-statement check of the caller's allowed statement classes: the request carries
//   them (protocol.ts AllowedClasses) and a ClassAuthorizer, when installed, answers each action.
import { constants, type DatabaseSync } from "node:sqlite";
import type { AllowedClasses } from "./protocol.js";

/** Answers one action for a caller's allowed classes: SQLITE_OK, SQLITE_DENY (statement fails) or SQLITE_IGNORE. */
export type ClassAuthorizer = (
  allowed: readonly string[],
  action: number,
  arg1: string | null,
  arg2: string | null,
  dbName: string | null,
  trigger: string | null,
) => number;

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

export class WorkerAuthorizer {
  private allowed: AllowedClasses;
  private shape: StatementShape = { writes: false, controls: false };
  private readonly classAuthorizer: ClassAuthorizer | undefined;

  // No parameter properties in the worker's modules: from the sources they run under Node's type stripping.
  constructor(db: DatabaseSync, classAuthorizer?: ClassAuthorizer) {
    this.classAuthorizer = classAuthorizer;
    db.setAuthorizer((action, arg1, arg2, dbName, trigger) => this.authorize(action, arg1, arg2, dbName, trigger));
  }

  /** Prepares one statement under the caller's allowed classes and says what it does. */
  prepare<T>(allowed: AllowedClasses, work: () => T): { value: T; shape: StatementShape } {
    this.allowed = allowed;
    this.shape = { writes: false, controls: false };
    try {
      const value = work();
      return { value, shape: this.shape };
    } finally {
      // The worker's own statements (BEGIN, COMMIT, pragmas, metadata) are not the caller's.
      this.allowed = undefined;
    }
  }

  private authorize(
    action: number,
    arg1: string | null,
    arg2: string | null,
    dbName: string | null,
    trigger: string | null,
  ): number {
    if (WRITE_ACTIONS.has(action)) this.shape.writes = true;
    if (CONTROL_ACTIONS.has(action)) this.shape.controls = true;
    if (this.allowed && this.classAuthorizer) {
      return this.classAuthorizer(this.allowed, action, arg1, arg2, dbName, trigger);
    }
    return constants.SQLITE_OK;
  }
}
