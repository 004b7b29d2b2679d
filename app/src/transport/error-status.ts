// The edge where a failed call gets its status, for every service: any thrown value becomes one ApiError (mapped
// here and nowhere else), an unexpected error is logged with its stack and reaches the client only as INTERNAL
// "internal error", and the call's observation ends with the code and reason.
import type { ServiceError } from "@grpc/grpc-js";
import { ApiError } from "../core/api-error.js";
import { seenByClient } from "../core/call-outcome.js";
import { StatusCode } from "../core/status-codes.js";
import type { Logger } from "../observability/logger.js";
import { toApiError } from "../rpc/db-error-mapping.js";
import type { GrpcCallContext } from "./grpc-call-context.js";
import { toServiceError } from "./status-details.js";

export function failCall(ctx: GrpcCallContext | undefined, error: unknown, logger: Logger): ServiceError {
  const apiError = toApiError(error, ctx?.database);
  // An ApiError was thrown on purpose; anything mapped to INTERNAL here is a failure nobody expected.
  if (apiError.code === StatusCode.INTERNAL && !(error instanceof ApiError)) {
    logger.error({ method: ctx?.method, err: apiError.cause ?? error }, "internal error");
  } else if (apiError.code === StatusCode.UNAVAILABLE && apiError.cause instanceof Error) {
    // The client got a generic text; the operator needs the driver's (hosts, ports, errno).
    logger.warn(
      { method: ctx?.method, database: ctx?.database, detail: apiError.cause.message },
      "database unavailable",
    );
  }
  // The client of a cancelled call or one past its deadline saw that, whatever the handler threw afterwards.
  ctx?.end({ code: ctx ? seenByClient(ctx, apiError.code) : apiError.code, reason: apiError.reason });
  return toServiceError(apiError);
}
