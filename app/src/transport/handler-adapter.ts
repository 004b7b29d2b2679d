// Adapts promise-returning handlers to grpc-js: builds the GrpcCallContext (with an AbortSignal that fires on
// client cancel or deadline), runs the interceptor chain, and sends results or errors with status details.
import { once } from "node:events";
import type { PeerCertificate } from "node:tls";
import { type ServerUnaryCall, type ServerWritableStream, type sendUnaryData, status } from "@grpc/grpc-js";
import { ApiError, internalError } from "../core/api-error.js";
import { type GrpcCallContext, type Interceptor, runChain } from "./grpc-call-context.js";
import { toServiceError } from "./status-details.js";

export type UnaryHandler<Req, Res> = (ctx: GrpcCallContext, request: Req) => Promise<Res>;
export type StreamHandler<Req, Res> = (
  ctx: GrpcCallContext,
  request: Req,
  write: (message: Res) => Promise<void>,
) => Promise<void>;

function deadlineOf(call: { getDeadline(): Date | number }): number | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}

function createContext(
  service: string,
  method: string,
  type: GrpcCallContext["type"],
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
): { ctx: GrpcCallContext; dispose: () => void } {
  const controller = new AbortController();
  const onCancelled = () => controller.abort(new ApiError(status.CANCELLED, "call cancelled", { reason: "CANCELLED" }));
  call.on("cancelled", onCancelled);
  const deadline = deadlineOf(call);
  let timer: NodeJS.Timeout | undefined;
  if (deadline !== undefined) {
    timer = setTimeout(
      () =>
        controller.abort(
          new ApiError(status.DEADLINE_EXCEEDED, "client deadline exceeded", { reason: "DEADLINE_EXCEEDED" }),
        ),
      Math.max(0, deadline - Date.now()),
    );
    timer.unref();
  }
  const ctx: GrpcCallContext = {
    service,
    method,
    type,
    peer: call.getPeer(),
    metadata: call.metadata,
    peerCertificate: peerCertificateOf(call),
    signal: controller.signal,
    deadline,
    identity: { id: "anonymous", method: "peer", roles: [] },
    logFields: {},
  };
  return {
    ctx,
    dispose: () => {
      if (timer) clearTimeout(timer);
      call.removeListener("cancelled", onCancelled);
    },
  };
}

/** The verified client certificate of an mTLS call, if any. */
export function peerCertificateOf(call: {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}): PeerCertificate | undefined {
  const certificate = call.getAuthContext().sslPeerCertificate;
  // Node gives an empty object when the peer sent no certificate.
  return certificate && Object.keys(certificate).length > 0 ? certificate : undefined;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : internalError(error);
}

/**
 * How a failure reaches the client: as a gRPC status with details (v1), or, for the legacy compatibility
 * service, as an OK response saying success = false (the interceptors have already recorded the real status).
 */
export type ErrorAnswer<Res> = (error: ApiError) => Res;

export function unary<Req, Res>(
  service: string,
  method: string,
  interceptors: Interceptor[],
  handler: UnaryHandler<Req, Res>,
  answerError?: ErrorAnswer<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const { ctx, dispose } = createContext(service, method, "unary", call as ServerUnaryCall<unknown, unknown>);
    let response: Res | undefined;
    runChain(interceptors, ctx, async () => {
      response = await handler(ctx, call.request);
    })
      .then(
        () => callback(null, response as Res),
        (error: unknown) =>
          answerError ? callback(null, answerError(asApiError(error))) : callback(toServiceError(asApiError(error))),
      )
      .finally(dispose);
  };
}

export function serverStream<Req, Res>(
  service: string,
  method: string,
  interceptors: Interceptor[],
  handler: StreamHandler<Req, Res>,
  onMessageSent?: () => void,
  answerError?: ErrorAnswer<Res>,
): (call: ServerWritableStream<Req, Res>) => void {
  return (call) => {
    const { ctx, dispose } = createContext(
      service,
      method,
      "server_stream",
      call as ServerWritableStream<unknown, unknown>,
    );
    const write = async (message: Res): Promise<void> => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      onMessageSent?.();
      if (!call.write(message)) {
        // Back-pressure: wait until grpc-js has flushed, or the call ends.
        await Promise.race([once(call, "drain"), once(ctx.signal, "abort")]);
      }
    };
    runChain(interceptors, ctx, () => handler(ctx, call.request, write))
      .then(
        () => {
          if (!ctx.signal.aborted) call.end();
        },
        (error: unknown) => {
          if (ctx.signal.aborted && !(error instanceof ApiError && error.code === status.DEADLINE_EXCEEDED)) return;
          if (answerError && !ctx.signal.aborted) {
            call.write(answerError(asApiError(error)));
            call.end();
            return;
          }
          call.emit("error", toServiceError(asApiError(error)));
        },
      )
      .finally(dispose);
  };
}
