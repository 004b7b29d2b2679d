// The refusals of admission control, each with RetryInfo so a client knows when to come back. Rates and caps are
// RESOURCE_EXHAUSTED (this caller asked for too much); shedding is UNAVAILABLE (the server is overloaded: another
// replica may serve the call, and gRPC retry policies retry UNAVAILABLE).
import { ApiError } from "../core/api-error.js";
import { StatusCode } from "../core/status-codes.js";

/** Which limit refused a call, for the metric label and the ErrorInfo reason. */
export type LimitName = "identity_rate" | "class_rate" | "in_flight" | "pool_waiters" | "overload";

const REASONS: Record<LimitName, string> = {
  identity_rate: "RATE_LIMITED",
  class_rate: "RATE_LIMITED",
  in_flight: "TOO_MANY_IN_FLIGHT",
  pool_waiters: "POOL_QUEUE_FULL",
  overload: "OVERLOADED",
};

/** At least 1 ms: a RetryInfo of zero reads as "retry at once", which is what a limit must not invite. */
function delay(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

export function rateLimited(limit: "identity_rate" | "class_rate", retryAfterMs: number, statementClass?: string) {
  const what = limit === "class_rate" ? `${statementClass} statements` : "calls";
  return new ApiError(StatusCode.RESOURCE_EXHAUSTED, `rate limit reached for ${what} of this caller`, {
    reason: REASONS[limit],
    metadata: { limit, ...(statementClass ? { statement_class: statementClass } : {}) },
    retryDelayMs: delay(retryAfterMs),
  });
}

export function tooManyInFlight(max: number, retryAfterMs: number): ApiError {
  return new ApiError(StatusCode.RESOURCE_EXHAUSTED, `this caller already has ${max} calls in flight`, {
    reason: REASONS.in_flight,
    metadata: { limit: "in_flight" },
    retryDelayMs: delay(retryAfterMs),
  });
}

export function poolQueueFull(database: string, waiting: number, retryAfterMs: number): ApiError {
  return new ApiError(
    StatusCode.RESOURCE_EXHAUSTED,
    `database "${database}": ${waiting} calls are already waiting for a connection`,
    { reason: REASONS.pool_waiters, metadata: { limit: "pool_waiters", database }, retryDelayMs: delay(retryAfterMs) },
  );
}

export function overloaded(retryAfterMs: number): ApiError {
  return new ApiError(StatusCode.UNAVAILABLE, "the proxy is overloaded; retry later or on another replica", {
    reason: REASONS.overload,
    metadata: { limit: "overload" },
    retryDelayMs: delay(retryAfterMs),
  });
}
