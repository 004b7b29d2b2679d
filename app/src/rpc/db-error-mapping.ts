// Maps driver-neutral DbErrors to API errors, following the error table in DESIGN.md. Internal errors
// are replaced by a generic message so that nothing of the proxy's internals reaches a client.
import { status } from "@grpc/grpc-js";
import { ApiError, internalError } from "../core/api-error.js";
import { CircuitOpenError } from "../db/circuit-breaker.js";
import { DbError, type DbErrorKind } from "../db/errors.js";

interface Mapping {
  code: status;
  reason: string;
  retryDelayMs?: number;
}

const MAPPINGS: Record<DbErrorKind, Mapping> = {
  invalid_statement: { code: status.INVALID_ARGUMENT, reason: "INVALID_STATEMENT" },
  undefined_object: { code: status.NOT_FOUND, reason: "OBJECT_NOT_FOUND" },
  unique_violation: { code: status.ALREADY_EXISTS, reason: "UNIQUE_VIOLATION" },
  constraint_violation: { code: status.FAILED_PRECONDITION, reason: "CONSTRAINT_VIOLATION" },
  transaction_state: { code: status.FAILED_PRECONDITION, reason: "TRANSACTION_STATE" },
  conflict: { code: status.ABORTED, reason: "TRANSACTION_CONFLICT", retryDelayMs: 100 },
  unavailable: { code: status.UNAVAILABLE, reason: "DATABASE_UNAVAILABLE", retryDelayMs: 1000 },
  timeout: { code: status.DEADLINE_EXCEEDED, reason: "STATEMENT_TIMEOUT" },
  permission_denied: { code: status.PERMISSION_DENIED, reason: "DATABASE_PERMISSION_DENIED" },
  authentication_failed: { code: status.UNAVAILABLE, reason: "DATABASE_CREDENTIALS_REJECTED", retryDelayMs: 5000 },
  resource_exhausted: { code: status.RESOURCE_EXHAUSTED, reason: "RESOURCE_EXHAUSTED", retryDelayMs: 500 },
  unsupported: { code: status.UNIMPLEMENTED, reason: "UNSUPPORTED" },
  internal: { code: status.INTERNAL, reason: "INTERNAL" },
};

export function apiErrorFromDbError(error: DbError, database: string): ApiError {
  const mapping = MAPPINGS[error.kind];
  const metadata: Record<string, string> = { database };
  if (error.sqlstate) metadata.sqlstate = error.sqlstate;
  if (error.nativeCode !== undefined) metadata.native_code = String(error.nativeCode);
  if (error.kind === "internal") return internalError(error, metadata);
  // Credentials and reachability are the operator's problems, not the client's: say so without details. Driver
  // messages for them carry hosts, ports and paths (connect ECONNREFUSED 10.0.0.5:5432); the log has them.
  const message =
    error.kind === "authentication_failed"
      ? `database "${database}" rejected the proxy's credentials`
      : error instanceof CircuitOpenError
        ? error.message // written by the breaker: no host, the retry delay in words
        : error.kind === "unavailable"
          ? `database "${database}" is unavailable; retry later`
          : error.message;
  // The circuit breaker knows when its probe runs: its delay beats the table's.
  const reason = error instanceof CircuitOpenError ? "CIRCUIT_OPEN" : mapping.reason;
  const retryDelayMs = error.retryDelayMs ?? mapping.retryDelayMs;
  const options =
    retryDelayMs === undefined ? { reason, metadata, cause: error } : { reason, metadata, retryDelayMs, cause: error };
  return new ApiError(mapping.code, message, options);
}

/** Any thrown value to an ApiError; unknown errors become INTERNAL without their message. */
export function toApiError(error: unknown, database: string | undefined): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DbError) return apiErrorFromDbError(error, database ?? "");
  return internalError(error);
}
