// The one interface every database driver implements (sqlite, postgres, informix). The pool, the
// sessions and the service only ever see these types.
import type { ParsedStatement, StatementClass } from "../core/parsed-statement.js";
import type { DbError } from "./errors.js";
import type { ColumnInfo, Row, SqlValue } from "./values.js";

export type DriverName = "sqlite" | "postgres" | "informix";

export type IsolationLevel = "default" | "read_uncommitted" | "read_committed" | "repeatable_read" | "serializable";

export interface ExecOptions {
  /** Aborted on client deadline/cancel or statement timeout: the driver must cancel the statement IN the
   * database and reject with DbError("timeout"). The connection must stay usable afterwards. */
  signal?: AbortSignal;
  /** Stop collecting after this many rows and report truncated (execute only). */
  maxRows?: number;
  /**
   * The grant classes the caller may run: a driver whose database can enforce them (SQLite's authorizer) refuses
   * anything else with DbError("permission_denied"). Absent = the proxy's own statements, not limited.
   */
  permits?: ReadonlySet<StatementClass>;
}

export interface ExecResult {
  columns: ColumnInfo[];
  rows: Row[];
  rowsAffected: number;
  truncated: boolean;
}

/** A server-side cursor. next() resolves to an empty array when exhausted. */
export interface Cursor {
  readonly columns: ColumnInfo[];
  next(maxRows: number): Promise<Row[]>;
  /** Rows affected, known once exhausted (0 for queries). */
  readonly rowsAffected: number;
  /** Idempotent; must free database resources immediately (also mid-result). */
  close(): Promise<void>;
}

export interface PreparedStatement {
  readonly id: string;
  readonly sql: string;
  readonly parameterCount: number;
  /** The statement as the guard saw it at Prepare (set by the service), checked again on every run. */
  readonly parsed?: ParsedStatement;
}

/**
 * What a statement names: SQL text with ? placeholders (with its one parse, when the service made it), or a
 * statement prepared on this connection.
 */
export type StatementRef = { sql: string; parsed?: ParsedStatement } | { prepared: PreparedStatement };

export interface PrepareOptions {
  parsed?: ParsedStatement;
  permits?: ReadonlySet<StatementClass>;
}

export interface TableFilter {
  schema?: string;
  namePattern?: string;
  includeViews: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: "table" | "view";
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface TableDescription {
  table: TableInfo;
  columns: ColumnInfo[];
  primaryKey: string[];
  indexes: IndexInfo[];
}

export interface Connection {
  /** Unique per process, for logs and leak reports. */
  readonly id: number;
  readonly driver: DriverName;
  /** True once the driver has seen a fatal error on it; the pool destroys it on release. */
  readonly broken: boolean;
  /**
   * Calls the listener once, when the driver learns the connection is gone (socket error or close, the server
   * terminated it, abandoned after an unanswered cancel), at any moment: idle, lent, mid-cursor, mid-cancel.
   * Whatever was in flight on it has already been rejected with that reason. Returns an unsubscribe function.
   * Drivers without such events (no socket of their own) leave it out.
   */
  onLost?(listener: (reason: DbError) => void): () => void;
  /** Product and version, e.g. "PostgreSQL 18.0", "SQLite 3.50.4", "IBM Informix Dynamic Server 14.10.FC11". */
  serverVersion(): Promise<string>;
  /** Runs the driver's validation query (Informix: SELECT 1 FROM sysmaster:sysdual). */
  validate(signal?: AbortSignal): Promise<void>;
  execute(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<ExecResult>;
  openCursor(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<Cursor>;
  prepare(sql: string, options?: PrepareOptions): Promise<PreparedStatement>;
  closePrepared(statement: PreparedStatement): Promise<void>;
  begin(isolation: IsolationLevel, readOnly: boolean): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  readonly inTransaction: boolean;
  listTables(filter: TableFilter): Promise<TableInfo[]>;
  /** Rejects with DbError("undefined_object") when the table does not exist. */
  describeTable(schema: string | undefined, table: string): Promise<TableDescription>;
  close(): Promise<void>;
}

/** Database credentials, fetched on each new connection (defined with the secret readers that provide them). */
export type { CredentialSource } from "../secrets/resolve-secret.js";

export interface Driver {
  readonly name: DriverName;
  connect(): Promise<Connection>;
  /** Releases driver-wide resources (worker threads, native environment). */
  close(): Promise<void>;
}
