// The outcome the client saw, for logs, metrics and the audit trail. A call that ended early was cancelled or
// ran past its deadline (the abort reason says which); a result produced after the deadline reached no one:
// grpc-js had already answered DEADLINE_EXCEEDED.
import { ApiError } from "./api-error.js";
import type { CallContext } from "./call-context.js";
import { StatusCode } from "./status-codes.js";

/** The signal's reason as a status code: DEADLINE_EXCEEDED or CANCELLED (the default). */
export function abortCode(reason: unknown): StatusCode {
  return reason instanceof ApiError ? reason.code : StatusCode.CANCELLED;
}

export function pastDeadline(ctx: Pick<CallContext, "deadline">, now = Date.now()): boolean {
  return ctx.deadline !== undefined && now >= ctx.deadline;
}

/** What the client saw of a call whose handler finished with `code` (OK when it returned). */
export function seenByClient(ctx: Pick<CallContext, "signal" | "deadline">, code: StatusCode): StatusCode {
  if (ctx.signal.aborted) return abortCode(ctx.signal.reason);
  if (code === StatusCode.OK && pastDeadline(ctx)) return StatusCode.DEADLINE_EXCEEDED;
  return code;
}
