// Turns anything a handler throws into an ApiError. Internal errors are logged here with their stack and
// reach the client only as INTERNAL "internal error".
import { status } from "@grpc/grpc-js";
import type { Logger } from "../../observability/logger.js";
import { toApiError } from "../../rpc/db-error-mapping.js";
import type { Interceptor } from "../grpc-call-context.js";

export function errorMappingInterceptor(logger: Logger): Interceptor {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const database = typeof ctx.logFields.database === "string" ? ctx.logFields.database : undefined;
      const apiError = toApiError(error, database);
      if (apiError.code === status.INTERNAL) {
        logger.error({ method: ctx.method, err: apiError.cause ?? error }, "internal error");
      }
      throw apiError;
    }
  };
}
