// node:sqlite errors -> DbError. node:sqlite throws Error with code "ERR_SQLITE_ERROR", errcode (the
// extended result code) and the message from sqlite3_errmsg.
import { DbError } from "../../errors.js";

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_INTERRUPT = 9;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_CONSTRAINT = 19;
const SQLITE_MISMATCH = 20;
const SQLITE_AUTH = 23;
const SQLITE_RANGE = 25;
const SQLITE_NOTADB = 26;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

interface SqliteNativeError {
  code?: string;
  errcode?: number;
  message: string;
}

export function mapSqliteError(error: unknown): DbError {
  if (error instanceof DbError) return error;
  const native = error as SqliteNativeError;
  const message = typeof native?.message === "string" ? native.message : String(error);
  if (native?.code !== "ERR_SQLITE_ERROR" || typeof native.errcode !== "number") {
    // Node's own argument validation (a parameter it cannot bind, a closed database).
    if (typeof native?.code === "string" && native.code.startsWith("ERR_INVALID_ARG")) {
      return new DbError("invalid_statement", message, { cause: error });
    }
    if (/database is not open/i.test(message)) {
      return new DbError("unavailable", message, { cause: error, connectionBroken: true });
    }
    return new DbError("internal", message, { cause: error });
  }
  const extended = native.errcode;
  const primary = extended & 0xff;
  const options = { nativeCode: extended, cause: error };
  if (extended === SQLITE_CONSTRAINT_UNIQUE || extended === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return new DbError("unique_violation", message, options);
  }
  switch (primary) {
    case SQLITE_CONSTRAINT:
      return new DbError("constraint_violation", message, options);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new DbError("conflict", message, options);
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return new DbError("permission_denied", message, options);
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return new DbError("invalid_statement", message, options);
    case SQLITE_INTERRUPT:
      return new DbError("timeout", message, options);
    case SQLITE_FULL:
      return new DbError("resource_exhausted", message, options);
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
      return new DbError("unavailable", message, { ...options, connectionBroken: true });
    default:
      break;
  }
  if (/^no such (table|column|index|view|function|savepoint)/i.test(message)) {
    return new DbError("undefined_object", message, options);
  }
  if (/no transaction is active|within a transaction/i.test(message)) {
    return new DbError("transaction_state", message, options);
  }
  if (/attempt to write a readonly database|query_only/i.test(message)) {
    return new DbError("permission_denied", message, options);
  }
  // Remaining SQLITE_ERROR cases are the statement's fault: syntax, "incomplete input", "already exists", ...
  return new DbError("invalid_statement", message, options);
}
