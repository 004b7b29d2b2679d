// The error type handlers throw. It carries everything the status details need (google.rpc.ErrorInfo,
// RetryInfo, BadRequest); transport/status-details.ts turns it into a grpc-js ServiceError.

import { echo } from "./client-text.js";
import { StatusCode } from "./status-codes.js";

export const ERROR_DOMAIN = "informix-grpc-proxy";

export interface FieldViolation {
  field: string;
  description: string;
}

export interface ApiErrorOptions {
  reason: string;
  metadata?: Record<string, string>;
  fieldViolations?: FieldViolation[];
  /** When set, a RetryInfo detail tells the client it may retry after this delay. */
  retryDelayMs?: number;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly code: StatusCode;
  readonly reason: string;
  readonly metadata: Record<string, string>;
  readonly fieldViolations: FieldViolation[];
  readonly retryDelayMs: number | undefined;

  constructor(code: StatusCode, message: string, options: ApiErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.reason = options.reason;
    this.metadata = options.metadata ?? {};
    this.fieldViolations = options.fieldViolations ?? [];
    this.retryDelayMs = options.retryDelayMs;
  }
}

export function invalidArgument(field: string, description: string, reason = "INVALID_ARGUMENT"): ApiError {
  return new ApiError(StatusCode.INVALID_ARGUMENT, `${field}: ${description}`, {
    reason,
    fieldViolations: [{ field, description }],
  });
}

export function sessionNotFound(): ApiError {
  return new ApiError(
    StatusCode.NOT_FOUND,
    "session not found (unknown, closed, expired or opened by another caller)",
    {
      reason: "SESSION_NOT_FOUND",
    },
  );
}

export function statementNotFound(): ApiError {
  return new ApiError(StatusCode.NOT_FOUND, "prepared statement not found in this session", {
    reason: "STATEMENT_NOT_FOUND",
  });
}

export function databaseNotFound(name: string): ApiError {
  return new ApiError(StatusCode.NOT_FOUND, `database ${echo(name)} is not configured`, {
    reason: "DATABASE_NOT_FOUND",
    fieldViolations: [{ field: "database", description: "not a configured database" }],
  });
}

export function unavailable(message: string, reason: string): ApiError {
  return new ApiError(StatusCode.UNAVAILABLE, message, { reason, retryDelayMs: 1000 });
}

/** A bug or an unexpected failure: the client learns only "internal error"; the cause stays for the log. */
export function internalError(cause?: unknown, metadata?: Record<string, string>): ApiError {
  return new ApiError(StatusCode.INTERNAL, "internal error", {
    reason: "INTERNAL",
    cause,
    ...(metadata ? { metadata } : {}),
  });
}
