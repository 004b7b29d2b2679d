// The refusals of the statement guard as API errors. Messages say what is refused and which configuration
// key allows it; they never echo the SQL text (it may hold literal values). Metadata carries the statement
// class, the database and the fingerprint id so a refusal can be matched with audit records and allow-lists.
import { status } from "@grpc/grpc-js";
import { ApiError } from "../core/api-error.js";

export const REASON = {
  ddlDenied: "POLICY_DDL_DENIED",
  multipleStatements: "POLICY_MULTIPLE_STATEMENTS",
  sessionStatement: "POLICY_SESSION_STATEMENT",
  roleDenied: "ROLE_DENIED",
  notAllowlisted: "NOT_ALLOWLISTED",
  sessionLimit: "SESSION_LIMIT",
  /** The text means different things under readings the dialect cannot choose between (Informix: DELIMIDENT, ...). */
  ambiguousSql: "POLICY_AMBIGUOUS_SQL",
} as const;

export interface RefusalSubject {
  statementClass: string;
  database: string;
  fingerprintId: string;
}

export function permissionDenied(
  reason: string,
  message: string,
  subject: RefusalSubject,
  extra: Record<string, string> = {},
): ApiError {
  return new ApiError(status.PERMISSION_DENIED, message, {
    reason,
    metadata: {
      statement_class: subject.statementClass,
      database: subject.database,
      fingerprint_id: subject.fingerprintId,
      ...extra,
    },
  });
}

export function sessionLimit(database: string, maxSessions: number): ApiError {
  return new ApiError(
    status.RESOURCE_EXHAUSTED,
    `this caller may hold at most ${maxSessions} open sessions on database "${database}" (roles.<role>.databases.${database}.maxSessions)`,
    { reason: REASON.sessionLimit, metadata: { database, max_sessions: String(maxSessions) } },
  );
}

export function noDatabaseGrant(database: string, subject?: RefusalSubject): ApiError {
  const metadata: Record<string, string> = subject
    ? { statement_class: subject.statementClass, database, fingerprint_id: subject.fingerprintId }
    : { database };
  return new ApiError(
    status.PERMISSION_DENIED,
    `no role of this caller grants access to database "${database}" (roles.<role>.databases.${database} or "*")`,
    { reason: REASON.roleDenied, metadata },
  );
}

/** A statement the dialect refuses to classify because two documented readings of it disagree. */
export function ambiguousStatement(database: string, rule: string, description: string): ApiError {
  return new ApiError(status.PERMISSION_DENIED, `sql: ${description}`, {
    reason: REASON.ambiguousSql,
    metadata: { database, rule },
  });
}
