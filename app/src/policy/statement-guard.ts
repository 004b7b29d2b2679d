// The authorization and query-policy hook of the service layer. The service asks the guard before every
// statement and every new session; the guard throws an ApiError (PERMISSION_DENIED, RESOURCE_EXHAUSTED or
// INVALID_ARGUMENT) to refuse. Implemented in policy/ (roles, statement policy, allow-list).
import type { Identity } from "../core/identity.js";

export interface StatementCheck {
  identity: Identity;
  /** Configured database name. */
  database: string;
  sql: string;
  /** "Execute", "ExecuteStream", "ExecuteBatch", "Prepare". */
  rpc: string;
  /** True inside a session's explicit transaction (BeginTransaction). */
  inTransaction: boolean;
}

export interface StatementDecision {
  /** Statement class for metrics and audit: read, write, ddl, procedure, admin, transaction, session. */
  statementClass: string;
  /** Normalised statement with literals replaced, and its short id (audit, allow-list). */
  fingerprint: string;
  fingerprintId: string;
}

export interface StatementGuard {
  /** Throws to refuse; returns the classification used for audit and metrics. */
  checkStatement(check: StatementCheck): Promise<StatementDecision>;
  /** Throws to refuse a new session (role limits); openSessions counts this identity's sessions on the database. */
  checkSession(identity: Identity, database: string, openSessions: number): void;
}
