// PostgreSQL errors -> DbError, by SQLSTATE (class first, then the specific codes that differ).
import { DbError, type DbErrorKind } from "../../errors.js";

interface PgNativeError {
  code?: string;
  message?: string;
}

const BY_CODE: Record<string, DbErrorKind> = {
  "23505": "unique_violation",
  "40001": "conflict", // serialization_failure
  "40P01": "conflict", // deadlock_detected
  "55P03": "conflict", // lock_not_available
  "57014": "timeout", // query_canceled
  "25P01": "transaction_state", // no_active_sql_transaction
  "25P02": "transaction_state", // in_failed_sql_transaction
  "25001": "transaction_state", // active_sql_transaction
  "25006": "permission_denied", // read_only_sql_transaction
  "42501": "permission_denied", // insufficient_privilege
  "42P01": "undefined_object", // undefined_table
  "42703": "undefined_object", // undefined_column
  "42883": "undefined_object", // undefined_function
  "42704": "undefined_object", // undefined_object
  "3F000": "undefined_object", // invalid_schema_name
  "26000": "undefined_object", // invalid_sql_statement_name (prepared statement)
  "3D000": "unavailable", // database does not exist: the proxy's configuration
  "53300": "resource_exhausted", // too_many_connections
  "57P01": "unavailable", // admin_shutdown
  "57P02": "unavailable", // crash_shutdown
  "57P03": "unavailable", // cannot_connect_now
};

const BY_CLASS: Record<string, DbErrorKind> = {
  "08": "unavailable", // connection exception
  "22": "invalid_statement", // data exception: bad value for the type
  "23": "constraint_violation", // other integrity constraints
  "28": "authentication_failed",
  "42": "invalid_statement", // syntax error or access rule violation
  "53": "resource_exhausted",
  "54": "invalid_statement", // program limit exceeded (statement too complex)
  "0A": "unsupported",
  XX: "internal",
};

/** Errors that mean the socket itself is gone (raised by pg, not by the server). */
const CONNECTION_LOST =
  /Connection terminated|timeout expired|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Client has encountered a connection error|not queryable|Connection closed/i;

export function mapPgError(error: unknown): DbError {
  if (error instanceof DbError) return error;
  const native = error as PgNativeError;
  const message = typeof native?.message === "string" ? native.message : String(error);
  const code = typeof native?.code === "string" ? native.code : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const kind = BY_CODE[code] ?? BY_CLASS[code.slice(0, 2)] ?? "internal";
    const broken = code.startsWith("08") || code.startsWith("57P");
    return new DbError(kind, message, { sqlstate: code, cause: error, connectionBroken: broken });
  }
  if (CONNECTION_LOST.test(message) || (code && CONNECTION_LOST.test(code))) {
    return new DbError("unavailable", message, { cause: error, connectionBroken: true });
  }
  return new DbError("internal", message, { cause: error });
}
