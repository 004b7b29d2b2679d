// An ApiError as google.rpc.Status with its details (ErrorInfo, RetryInfo, BadRequest), within the bounds of
// core/client-text.ts: the trailer of a failed call (transport/status-details.ts) and the error of a failed
// batch item carry the same thing, so clients map both alike.
import { type ApiError, ERROR_DOMAIN } from "../core/api-error.js";
import {
  bounded,
  FIELD_VIOLATIONS_MAX,
  MESSAGE_MAX_CHARS,
  METADATA_MAX_ENTRIES,
  METADATA_VALUE_MAX_CHARS,
} from "../core/client-text.js";
import { BadRequest, ErrorInfo, RetryInfo } from "../gen/google/rpc/error_details.js";
import type { Status } from "../gen/google/rpc/status.js";

const TYPE_PREFIX = "type.googleapis.com/";

/** ErrorInfo metadata within the bounds of core/client-text.ts: at most so many entries, each value capped. */
function boundedMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata).slice(0, METADATA_MAX_ENTRIES);
  return Object.fromEntries(entries.map(([k, v]) => [bounded(k, 64), bounded(v, METADATA_VALUE_MAX_CHARS)]));
}

export function toRpcStatus(error: ApiError): Status {
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
  return { code: error.code, message: bounded(error.message, MESSAGE_MAX_CHARS), details };
}
