// Encodes an ApiError as a gRPC error whose trailers carry google.rpc.Status in grpc-status-details-bin,
// the form every gRPC client library understands for rich error details.
import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { type ApiError, ERROR_DOMAIN } from "../core/api-error.js";
import {
  bounded,
  FIELD_VIOLATIONS_MAX,
  MESSAGE_MAX_CHARS,
  METADATA_MAX_ENTRIES,
  METADATA_VALUE_MAX_CHARS,
} from "../core/client-text.js";
import { BadRequest, ErrorInfo, RetryInfo } from "../gen/google/rpc/error_details.js";
import { Status } from "../gen/google/rpc/status.js";

const TYPE_PREFIX = "type.googleapis.com/";

/** ErrorInfo metadata within the bounds of core/client-text.ts: at most so many entries, each value capped. */
function boundedMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata).slice(0, METADATA_MAX_ENTRIES);
  return Object.fromEntries(entries.map(([k, v]) => [bounded(k, 64), bounded(v, METADATA_VALUE_MAX_CHARS)]));
}

export function toServiceError(error: ApiError): ServiceError {
  const message = bounded(error.message, MESSAGE_MAX_CHARS);
  const details = [
    {
      typeUrl: `${TYPE_PREFIX}google.rpc.ErrorInfo`,
      value: Buffer.from(
        ErrorInfo.encode({
          reason: bounded(error.reason, 64),
          domain: ERROR_DOMAIN,
          metadata: boundedMetadata(error.metadata),
        }).finish(),
      ),
    },
  ];
  if (error.retryDelayMs !== undefined) {
    const seconds = Math.floor(error.retryDelayMs / 1000);
    const nanos = (error.retryDelayMs % 1000) * 1_000_000;
    details.push({
      typeUrl: `${TYPE_PREFIX}google.rpc.RetryInfo`,
      value: Buffer.from(RetryInfo.encode({ retryDelay: { seconds: BigInt(seconds), nanos } }).finish()),
    });
  }
  if (error.fieldViolations.length > 0) {
    details.push({
      typeUrl: `${TYPE_PREFIX}google.rpc.BadRequest`,
      value: Buffer.from(
        BadRequest.encode({
          fieldViolations: error.fieldViolations.slice(0, FIELD_VIOLATIONS_MAX).map((v) => ({
            field: bounded(v.field),
            description: bounded(v.description, METADATA_VALUE_MAX_CHARS),
          })),
        }).finish(),
      ),
    });
  }
  const metadata = new Metadata();
  metadata.set("grpc-status-details-bin", Buffer.from(Status.encode({ code: error.code, message, details }).finish()));
  return Object.assign(new Error(message), { code: error.code, details: message, metadata });
}

/** Decodes grpc-status-details-bin (clients and tests). */
export function decodeStatusDetails(metadata: Metadata | undefined): {
  errorInfo?: ErrorInfo;
  retryInfo?: RetryInfo;
  badRequest?: BadRequest;
} {
  const raw = metadata?.get("grpc-status-details-bin")[0];
  if (!raw || typeof raw === "string") return {};
  const decoded = Status.decode(raw);
  const out: { errorInfo?: ErrorInfo; retryInfo?: RetryInfo; badRequest?: BadRequest } = {};
  for (const any of decoded.details) {
    if (any.typeUrl.endsWith("google.rpc.ErrorInfo")) out.errorInfo = ErrorInfo.decode(any.value);
    else if (any.typeUrl.endsWith("google.rpc.RetryInfo")) out.retryInfo = RetryInfo.decode(any.value);
    else if (any.typeUrl.endsWith("google.rpc.BadRequest")) out.badRequest = BadRequest.decode(any.value);
  }
  return out;
}
