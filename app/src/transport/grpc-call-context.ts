// The call context as the transport sees it: the transport-free CallContext plus what only interceptors read
// (gRPC metadata for bearer tokens, the verified client certificate), the log fields only the transport sets,
// and the call's end, which observation and clean-up listen to.
import type { PresentedCredentials } from "../auth/authenticator.js";
import type { CallContext, RpcLogFields } from "../core/call-context.js";
import type { StatusCode } from "../core/status-codes.js";
import type { ServerSpan } from "../observability/spans.js";

export interface TransportLogFields extends RpcLogFields {
  /** Why authentication refused the call (never the credential). */
  authFailure?: string;
}

export interface CallOutcome {
  code: StatusCode;
  /** The ApiError's reason (ErrorInfo.reason), for the log line. */
  reason: string | undefined;
}

export interface GrpcCallContext extends CallContext, PresentedCredentials {
  readonly logFields: TransportLogFields;
  /** The call's server span and the context it is active in (set by the observe interceptor). */
  trace: ServerSpan | undefined;
  /** Ends the call: the first end counts (timing and status are taken once), later ones are ignored. */
  end(outcome: CallOutcome): void;
  /** Called once when the call ends. */
  onEnd(listener: (outcome: CallOutcome) => void): void;
}
