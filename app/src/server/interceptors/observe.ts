// One log line and the go-grpc-prometheus metrics per RPC. Logs carry method, caller, session, database,
// status and duration; never SQL parameter values.
import { status } from "@grpc/grpc-js";
import type { Logger } from "../../observability/logger.js";
import type { Metrics } from "../../observability/metrics.js";
import { ApiError } from "../../service/api-error.js";
import type { Interceptor } from "../call-context.js";
import { seenByClient } from "../call-outcome.js";

const CODE_NAMES = Object.fromEntries(
  Object.entries(status)
    .filter(([, v]) => typeof v === "number")
    .map(([name, v]) => [
      v,
      name
        .split("_")
        .map((w) => w[0] + w.slice(1).toLowerCase())
        .join(""),
    ]),
) as Record<number, string>;

/** go-grpc-prometheus spells codes as Go's codes.Code String(): OK, Canceled, InvalidArgument... */
export function codeName(code: number): string {
  if (code === status.OK) return "OK";
  if (code === status.CANCELLED) return "Canceled";
  return CODE_NAMES[code] ?? "Unknown";
}

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
      code = seenByClient(ctx, status.OK);
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
