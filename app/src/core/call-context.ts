// What handlers and the layers below them know about one call, without the transport: no gRPC metadata, no
// certificates (transport/grpc-call-context.ts adds those for the interceptors that need them).
import type { Identity } from "./identity.js";

export interface CallContext {
  readonly service: string;
  readonly method: string;
  readonly type: "unary" | "server_stream";
  readonly peer: string;
  /** Aborted when the client cancels or its deadline passes. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds, or undefined without a deadline. */
  readonly deadline: number | undefined;
  identity: Identity;
  /** Safe fields handlers add for the RPC log line (session id, database, rows): never values. */
  readonly logFields: Record<string, unknown>;
}
