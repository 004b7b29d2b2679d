// An ApiError as google.rpc.Status with its details (ErrorInfo, RetryInfo, BadRequest): the trailer of a
// failed call (transport/status-details.ts) and the error of a failed batch item carry the same thing.
import { type ApiError, ERROR_DOMAIN } from "../core/api-error.js";
import { BadRequest, ErrorInfo, RetryInfo } from "../gen/google/rpc/error_details.js";
import type { Status } from "../gen/google/rpc/status.js";

const TYPE_PREFIX = "type.googleapis.com/";

/** The google.rpc.Status of an error: what a failed call's trailer carries, and what a failed batch item carries. */
export function toRpcStatus(error: ApiError): Status {
  const details = [
    {
      typeUrl: `${TYPE_PREFIX}google.rpc.ErrorInfo`,
      value: Buffer.from(
        ErrorInfo.encode({ reason: error.reason, domain: ERROR_DOMAIN, metadata: error.metadata }).finish(),
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
      value: Buffer.from(BadRequest.encode({ fieldViolations: error.fieldViolations }).finish()),
    });
  }
  return { code: error.code, message: error.message, details };
}
