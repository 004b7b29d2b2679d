// Informix / IBM CLI errors -> DbError. ibm_db rejects with an Error whose message is the CLI diagnostic
// ("[IBM][CLI Driver][IDS/UNIX64] The specified table (t) is not in the database. SQLSTATE=42S02"), plus
// `sqlcode` (the Informix SQLCODE, or a CLI code such as -30081), `sqlstate` (older releases: `state`)
// and `error` ("[ibm_db] SQL_ERROR"). Codes from IBM Informix Error Messages and the Db2 CLI messages.
import { DbError, type DbErrorKind } from "../../errors.js";

export interface IbmDbErrorShape {
  message?: unknown;
  error?: unknown;
  sqlcode?: unknown;
  sqlstate?: unknown;
  state?: unknown;
}

/** Informix SQLCODE -> kind. Connection-level codes also mark the connection broken. */
export const SQLCODE_KINDS: ReadonlyMap<number, DbErrorKind> = new Map<number, DbErrorKind>([
  // statement errors
  [-201, "invalid_statement"], // A syntax error has occurred
  [-202, "invalid_statement"], // An illegal character has been found in the statement
  [-236, "invalid_statement"], // Number of columns in INSERT does not match number of VALUES
  [-254, "invalid_statement"], // Too many or too few host variables given
  [-1213, "invalid_statement"], // A character to numeric conversion process failed
  [-1204, "invalid_statement"], // Invalid year in date
  [-1205, "invalid_statement"], // Invalid month in date
  [-1206, "invalid_statement"], // Invalid day in date
  [-1262, "invalid_statement"], // Non-numeric character in datetime or interval
  [-1264, "invalid_statement"], // Extra characters at the end of a datetime or interval
  [-1226, "invalid_statement"], // Decimal or money value exceeds maximum precision
  // missing objects
  [-206, "undefined_object"], // The specified table is not in the database
  [-217, "undefined_object"], // Column not found in any table in the query
  [-674, "undefined_object"], // Routine can not be resolved
  // uniqueness
  [-239, "unique_violation"], // Could not insert new row - duplicate value in a UNIQUE INDEX column
  [-268, "unique_violation"], // Unique constraint violated
  [-100, "unique_violation"], // ISAM error: duplicate value for a record with unique key
  // other constraints
  [-691, "constraint_violation"], // Missing key in referenced table for referential constraint
  [-692, "constraint_violation"], // Key value for constraint is still being referenced
  [-703, "constraint_violation"], // Primary key on table has a field with a null key value
  [-391, "constraint_violation"], // Cannot insert a null into column
  [-530, "constraint_violation"], // Check constraint failed
  // locks and deadlocks: retriable
  [-143, "conflict"], // ISAM error: deadlock detected
  [-154, "conflict"], // ISAM error: Lock Timeout Expired
  [-107, "conflict"], // ISAM error: record is locked
  [-113, "conflict"], // ISAM error: the file is locked
  [-243, "conflict"], // Could not position within a table
  [-244, "conflict"], // Could not do a physical-order read to fetch next row
  [-245, "conflict"], // Could not position within a file via an index
  [-246, "conflict"], // Could not do an indexed read to get the next row
  [-250, "conflict"], // Cannot read record from file for update
  [-263, "conflict"], // Could not lock row for update
  [-288, "conflict"], // Table not locked by current user
  [-289, "conflict"], // Cannot lock table
  [-378, "conflict"], // Record currently locked by another user
  // transaction state
  [-255, "transaction_state"], // Not in transaction
  [-256, "transaction_state"], // Transaction not available
  [-535, "transaction_state"], // Already in transaction
  [-458, "transaction_state"], // Long transaction aborted
  // privileges
  [-272, "permission_denied"], // No SELECT permission
  [-273, "permission_denied"], // No UPDATE permission
  [-274, "permission_denied"], // No DELETE permission
  [-275, "permission_denied"], // The Insert privilege is required for this operation
  [-389, "permission_denied"], // No DBA permission / no resource permission
  [-25558, "permission_denied"], // Cannot write to a read-only (secondary) server
  // authentication
  [-951, "authentication_failed"], // Incorrect password or user is not known on the database server
  [-952, "authentication_failed"], // User's password is not correct for the database server
  [-387, "authentication_failed"], // No connect permission
  [-30082, "authentication_failed"], // CLI SQL30082N security processing failed
  // timeouts / interrupts
  [-213, "timeout"], // Statement interrupted by user (CLI query timeout sends the interrupt)
  // unreachable or lost
  [-908, "unavailable"], // Attempt to connect to database server failed
  [-930, "unavailable"], // Cannot connect to database server
  [-25580, "unavailable"], // System error occurred in network function
  [-25582, "unavailable"], // Network connection is broken
  [-27001, "unavailable"], // Read error occurred during connection attempt
  [-11017, "unavailable"], // Connection does not exist
  [-1803, "unavailable"], // Connection does not exist (ESQL)
  [-329, "unavailable"], // Database not found or no system permission
  [-30081, "unavailable"], // CLI SQL30081N communication error
  [-30080, "unavailable"], // CLI SQL30080N communication error
  [-1224, "unavailable"], // CLI SQL1224N database agent ended the connection
]);

/** SQLSTATE classes and codes, used when the SQLCODE is unknown. */
function kindFromSqlstate(state: string): DbErrorKind | undefined {
  if (state === "28000" || state === "08004") return "authentication_failed";
  if (state.startsWith("08")) return "unavailable";
  if (state === "HYT00" || state === "HY008" || state === "57014") return "timeout";
  if (state === "40001" || state === "57033" || state === "40P01") return "conflict";
  if (state === "23505") return "unique_violation";
  if (state.startsWith("23")) return "constraint_violation";
  if (state === "42S02" || state === "42S22" || state === "42704" || state === "42703") return "undefined_object";
  if (state === "42501" || state === "42502") return "permission_denied";
  if (state === "25000" || state === "25001" || state === "2D521") return "transaction_state";
  if (state.startsWith("42") || state.startsWith("22") || state.startsWith("07") || state === "HY009") {
    return "invalid_statement";
  }
  return undefined;
}

const BROKEN_KINDS = new Set<DbErrorKind>(["unavailable", "authentication_failed"]);

/** "[IBM][CLI Driver][IDS/UNIX64] Text. SQLSTATE=42S02" -> "Text." (the parts a client may read). */
export function cleanMessage(message: string): string {
  return message
    .replace(/^\s*(\[[^\]]*\]\s*)+/, "")
    .replace(/\s*SQLSTATE=\w+\s*$/s, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function isIbmDbError(error: unknown): error is IbmDbErrorShape {
  return typeof error === "object" && error !== null && ("sqlcode" in error || "sqlstate" in error || "state" in error);
}

/** Maps anything ibm_db throws to a DbError; a DbError passes through untouched. */
export function toDbError(error: unknown): DbError {
  if (error instanceof DbError) return error;
  if (!isIbmDbError(error)) {
    const text = typeof error === "string" ? error : error instanceof Error ? error.message : String(error);
    return new DbError("internal", `ibm_db: ${text}`, { cause: error });
  }
  const sqlcode = typeof error.sqlcode === "number" ? error.sqlcode : Number(error.sqlcode ?? Number.NaN);
  const stateValue = error.sqlstate ?? error.state;
  const sqlstate = typeof stateValue === "string" && stateValue.length > 0 ? stateValue : undefined;
  const rawMessage = typeof error.message === "string" ? error.message : String(error.error ?? "");
  const message = cleanMessage(rawMessage) || "Informix error";
  let kind = Number.isFinite(sqlcode) ? SQLCODE_KINDS.get(sqlcode) : undefined;
  if (sqlcode === -271 || sqlcode === -346) kind = kindFromIsamText(rawMessage);
  if (kind === undefined && /SQL30081N/.test(rawMessage)) kind = "unavailable";
  if (kind === undefined && /CLI0106E|CLI0600E|connection is closed/i.test(rawMessage)) kind = "unavailable";
  if (kind === undefined && sqlstate !== undefined) kind = kindFromSqlstate(sqlstate);
  kind ??= "internal";
  return new DbError(kind, message, {
    sqlstate,
    nativeCode: Number.isFinite(sqlcode) ? sqlcode : undefined,
    connectionBroken: BROKEN_KINDS.has(kind),
    cause: error,
  });
}

/** -271 "Could not insert new row" / -346 "Could not update a row" name the real reason as an ISAM error. */
function kindFromIsamText(message: string): DbErrorKind {
  if (/duplicate value/i.test(message)) return "unique_violation";
  if (/lock|deadlock/i.test(message)) return "conflict";
  return "internal";
}
