// One log line and the go-grpc-prometheus metrics per RPC. Logs carry method, caller, session, database,
// status and duration; never SQL parameter values.
import { status } from "@grpc/grpc-js";
import { ApiError } from "../../core/api-error.js";
import { codeName } from "../../core/status-codes.js";
import type { Logger } from "../../observability/logger.js";
import type { Metrics } from "../../observability/metrics.js";
import type { Interceptor } from "../grpc-call-context.js";

export function observeInterceptor(logger: Logger, metrics: Metrics): Interceptor {
  return async (ctx, next) => {
    const labels = { grpc_type: ctx.type, grpc_service: ctx.service, grpc_method: ctx.method };
    metrics.grpcStarted.inc(labels);
    const started = process.hrtime.bigint();
    let code: number = status.OK;
    // The reason only: database messages can quote parameter values (e.g. "invalid input syntax: 'x'").
    let reason: string | undefined;
    try {
      await next();
      if (ctx.signal.aborted) code = status.CANCELLED;
    } catch (error) {
      code = error instanceof ApiError ? error.code : status.UNKNOWN;
      reason = error instanceof ApiError ? error.reason : undefined;
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.grpcHandled.inc({ ...labels, grpc_code: codeName(code) });
      metrics.grpcHandlingSeconds.observe(labels, seconds);
      const line = {
        method: `${ctx.service}/${ctx.method}`,
        caller: ctx.identity.id,
        code: codeName(code),
        durationMs: Math.round(seconds * 1e6) / 1e3,
        ...ctx.logFields,
        ...(reason ? { reason } : {}),
      };
      if (code === status.OK || code === status.CANCELLED) logger.info(line, "rpc");
      else logger.warn(line, "rpc");
    }
  };
}
