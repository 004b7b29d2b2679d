// Driver-neutral database errors. Drivers translate native errors into DbError; the rpc layer maps kinds to
// gRPC status codes (rpc/db-error-mapping.ts). Messages here may reach clients, so drivers put only the
// database's own message in them, never connection strings or credentials.

export type DbErrorKind =
  /** syntax error, bad parameter value or count -> INVALID_ARGUMENT */
  | "invalid_statement"
  /** table or column does not exist -> NOT_FOUND */
  | "undefined_object"
  /** unique constraint -> ALREADY_EXISTS */
  | "unique_violation"
  /** other constraint (FK, NOT NULL, CHECK) -> FAILED_PRECONDITION */
  | "constraint_violation"
  /** commit/rollback without a transaction, transaction state misuse -> FAILED_PRECONDITION */
  | "transaction_state"
  /** lock timeout, deadlock, serialization failure -> ABORTED, retriable */
  | "conflict"
  /** database unreachable, connection lost -> UNAVAILABLE, retriable */
  | "unavailable"
  /** statement cancelled by timeout or client deadline -> DEADLINE_EXCEEDED */
  | "timeout"
  /** database refuses the statement (privileges, read-only transaction) -> PERMISSION_DENIED */
  | "permission_denied"
  /** the database rejected the proxy's own credentials -> UNAVAILABLE (operator problem, not the client's) */
  | "authentication_failed"
  /** pool acquire timeout, too many connections, result too large -> RESOURCE_EXHAUSTED */
  | "resource_exhausted"
  /** feature not supported by this driver -> UNIMPLEMENTED */
  | "unsupported"
  /** anything else -> INTERNAL (message not shown to clients) */
  | "internal";

export interface DbErrorOptions {
  sqlstate?: string;
  nativeCode?: number;
  /** true when the connection that raised it can no longer be used */
  connectionBroken?: boolean;
  /** When set, the client is told it may retry after this many milliseconds (RetryInfo) */
  retryDelayMs?: number;
  cause?: unknown;
}

export class DbError extends Error {
  readonly kind: DbErrorKind;
  readonly sqlstate: string | undefined;
  readonly nativeCode: number | undefined;
  readonly connectionBroken: boolean;
  readonly retryDelayMs: number | undefined;

  constructor(kind: DbErrorKind, message: string, options: DbErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "DbError";
    this.kind = kind;
    this.sqlstate = options.sqlstate;
    this.nativeCode = options.nativeCode;
    this.connectionBroken = options.connectionBroken ?? false;
    this.retryDelayMs = options.retryDelayMs;
  }
}

export function isRetriable(kind: DbErrorKind): boolean {
  return kind === "conflict" || kind === "unavailable";
}
