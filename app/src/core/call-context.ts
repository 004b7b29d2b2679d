// What handlers and the layers below them know about one call, without the transport: no gRPC metadata, no
// certificates (transport/grpc-call-context.ts adds those for the interceptors that need them).
import type { Identity } from "./identity.js";

/** Safe fields handlers add for the RPC log line: ids and counts, never values. */
export interface RpcLogFields {
  sessionId?: string;
  rows?: number;
  batchItems?: number;
  /** How a legacy Connect picked its configured database (rpc/compat/connect-target.ts). */
  compatMatchedBy?: string;
}

export interface CallContext {
  readonly service: string;
  readonly method: string;
  readonly type: "unary" | "server_stream" | "client_stream" | "bidi_stream";
  readonly peer: string;
  /** Aborted when the client cancels or its deadline passes. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds, or undefined without a deadline. */
  readonly deadline: number | undefined;
  identity: Identity;
  /** The configured database the call resolved to (set by rpc/): error details and the RPC log line name it. */
  database: string | undefined;
  readonly logFields: RpcLogFields;
}
