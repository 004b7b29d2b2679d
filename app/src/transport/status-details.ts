// Encodes an ApiError as a gRPC error whose trailers carry google.rpc.Status in grpc-status-details-bin,
// the form every gRPC client library understands for rich error details.
import { Metadata, type ServiceError } from "@grpc/grpc-js";
import type { ApiError } from "../core/api-error.js";
import { BadRequest, ErrorInfo, RetryInfo } from "../gen/google/rpc/error_details.js";
import { Status } from "../gen/google/rpc/status.js";
import { toRpcStatus } from "../rpc/rpc-status.js";

export function toServiceError(error: ApiError): ServiceError {
  const status = toRpcStatus(error);
  const metadata = new Metadata();
  metadata.set("grpc-status-details-bin", Buffer.from(Status.encode(status).finish()));
  return Object.assign(new Error(status.message), { code: error.code, details: status.message, metadata });
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
