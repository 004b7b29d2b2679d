// Errors of the proxy as one typed class: the gRPC code and what google.rpc.ErrorInfo, RetryInfo and
// BadRequest say in the status details (the same whether the error failed a call or one batch item).
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import type { Any } from "./gen/google/protobuf/any.js";
import { BadRequest, ErrorInfo, RetryInfo } from "./gen/google/rpc/error_details.js";
import { Status } from "./gen/google/rpc/status.js";

const CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(status)
    .filter(([, value]) => typeof value === "number")
    .map(([name, value]) => [value, name]),
);

export interface FieldViolation {
  field: string;
  description: string;
}

export interface ProxyErrorDetails {
  reason?: string;
  domain?: string;
  metadata?: Record<string, string>;
  retryDelayMs?: number;
  fieldViolations?: FieldViolation[];
  cause?: unknown;
}

export class ProxyError extends Error {
  /** The gRPC status code (numeric, as in @grpc/grpc-js `status`). */
  readonly code: number;
  /** ErrorInfo.reason, e.g. "OBJECT_NOT_FOUND", "UNIQUE_VIOLATION"; "" when the server sent none. */
  readonly reason: string;
  readonly domain: string;
  /** ErrorInfo.metadata: sqlstate, native_code, database, batch_index... */
  readonly metadata: Readonly<Record<string, string>>;
  /** RetryInfo's delay: the server says a retry after this long can succeed. */
  readonly retryDelayMs: number | undefined;
  readonly fieldViolations: readonly FieldViolation[];

  constructor(code: number, message: string, details: ProxyErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ProxyError";
    this.code = code;
    this.reason = details.reason ?? "";
    this.domain = details.domain ?? "";
    this.metadata = details.metadata ?? {};
    this.retryDelayMs = details.retryDelayMs;
    this.fieldViolations = details.fieldViolations ?? [];
  }

  /** "NOT_FOUND", "INVALID_ARGUMENT", ... */
  get codeName(): string {
    return CODE_NAMES[this.code] ?? `CODE_${this.code}`;
  }

  /** The SQLSTATE the database reported, when there was one. */
  get sqlstate(): string | undefined {
    return this.metadata.sqlstate;
  }

  /** A google.rpc.Status (a failed batch item, or the decoded grpc-status-details-bin trailer). */
  static fromStatus(rpcStatus: { code: number; message: string; details: Any[] }, cause?: unknown): ProxyError {
    return new ProxyError(rpcStatus.code, rpcStatus.message, { ...decodeDetails(rpcStatus.details), cause });
  }

  /** Any error a grpc-js call produced; its trailers' details when present. */
  static fromServiceError(error: unknown): ProxyError {
    if (error instanceof ProxyError) return error;
    const serviceError = error as Partial<ServiceError>;
    if (typeof serviceError?.code !== "number") {
      return new ProxyError(status.UNKNOWN, error instanceof Error ? error.message : String(error), { cause: error });
    }
    const message = serviceError.details || serviceError.message || CODE_NAMES[serviceError.code] || "error";
    const raw =
      serviceError.metadata instanceof Metadata ? serviceError.metadata.get("grpc-status-details-bin")[0] : undefined;
    if (raw && typeof raw !== "string") {
      try {
        const decoded = Status.decode(raw);
        return ProxyError.fromStatus({ code: serviceError.code, message, details: decoded.details }, error);
      } catch {
        // A malformed trailer is not the caller's problem: keep the code and message.
      }
    }
    return new ProxyError(serviceError.code, message, { cause: error });
  }
}

function decodeDetails(details: Any[]): ProxyErrorDetails {
  const out: ProxyErrorDetails = {};
  for (const any of details) {
    if (any.typeUrl.endsWith("/google.rpc.ErrorInfo")) {
      const info = ErrorInfo.decode(any.value);
      out.reason = info.reason;
      out.domain = info.domain;
      out.metadata = info.metadata;
    } else if (any.typeUrl.endsWith("/google.rpc.RetryInfo")) {
      const delay = RetryInfo.decode(any.value).retryDelay;
      if (delay) out.retryDelayMs = Number(delay.seconds) * 1000 + Math.round(delay.nanos / 1e6);
    } else if (any.typeUrl.endsWith("/google.rpc.BadRequest")) {
      out.fieldViolations = BadRequest.decode(any.value).fieldViolations.map((v) => ({
        field: v.field,
        description: v.description,
      }));
    }
  }
  return out;
}
