// What every interceptor and handler knows about one call.
import type { PeerCertificate } from "node:tls";
import type { Metadata } from "@grpc/grpc-js";

export interface Identity {
  /** Stable id used for session ownership, limits, logs and audit, e.g. "api_key:reporting", "jwt:alice". */
  id: string;
  /** How the caller was identified; "peer" when no authentication is configured. */
  method: "peer" | "api_key" | "jwt" | "mtls";
  /** Roles for authorization; empty for "peer" (no authorization without authentication). */
  roles: string[];
}

export interface CallContext {
  readonly service: string;
  readonly method: string;
  readonly type: "unary" | "server_stream";
  readonly peer: string;
  readonly metadata: Metadata;
  /** The verified client certificate on an mTLS connection. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** Aborted when the client cancels or its deadline passes. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds, or undefined without a deadline. */
  readonly deadline: number | undefined;
  identity: Identity;
  /** Safe fields handlers add for the RPC log line (session id, database, rows): never values. */
  readonly logFields: Record<string, unknown>;
}

export type Interceptor = (ctx: CallContext, next: () => Promise<void>) => Promise<void>;

export function runChain(interceptors: Interceptor[], ctx: CallContext, last: () => Promise<void>): Promise<void> {
  const step = (index: number): Promise<void> => {
    const interceptor = interceptors[index];
    return interceptor ? interceptor(ctx, () => step(index + 1)) : last();
  };
  return step(0);
}
