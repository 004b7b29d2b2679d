// The authorization and query-policy hook of the service layer. The service asks the guard before every
// statement and every new session; the guard throws an ApiError (PERMISSION_DENIED, RESOURCE_EXHAUSTED or
// INVALID_ARGUMENT) to refuse. Implemented in policy/ (roles, statement policy, allow-list).
import type { StatementClass as GrantClass } from "../config/security-schema.js";
import type { Identity } from "../core/identity.js";
import type { ParsedStatement } from "../core/parsed-statement.js";

export interface StatementCheck {
  identity: Identity;
  /** Configured database name. */
  database: string;
  sql: string;
  /**
   * The statement parsed once with the database's dialect. Without it the guard parses `sql` with the
   * dialect its options name for the database (tests, tools).
   */
  statement?: ParsedStatement;
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
  /**
   * The grant classes this caller may run on the database (roles and policy together), for drivers that make
   * the database enforce them as a second wall (SQLite's authorizer).
   */
  permits: ReadonlySet<GrantClass>;
}

export interface StatementGuard {
  /** Throws to refuse; returns the classification used for audit and metrics. */
  checkStatement(check: StatementCheck): Promise<StatementDecision>;
  /** Throws to refuse a new session (role limits); openSessions counts this identity's sessions on the database. */
  checkSession(identity: Identity, database: string, openSessions: number): void;
}
