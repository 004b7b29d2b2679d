// The first interceptor of every service: builds the call's GrpcCallContext (caller address, metadata, client
// certificate, an AbortSignal that fires on client cancel or deadline) before any other interceptor or handler
// sees the call, and ends it when a status goes out. grpc-js hands the interceptors after it and the handler the
// Metadata object each one passed on, so that object is the key the others find the context by.
import type { PeerCertificate } from "node:tls";
import {
  type Metadata,
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  ServerListenerBuilder,
} from "@grpc/grpc-js";
import { ApiError } from "../core/api-error.js";
import type { CallContext } from "../core/call-context.js";
import { StatusCode } from "../core/status-codes.js";
import type { CallOutcome, GrpcCallContext } from "./grpc-call-context.js";

/** "/informix.proxy.v1.SqlService/Execute" -> service and method. */
export function splitPath(path: string): { service: string; method: string } {
  const [, service = "", method = ""] = path.split("/");
  return { service, method };
}

export function callTypeOf(descriptor: { requestStream: boolean; responseStream: boolean }): CallContext["type"] {
  if (descriptor.requestStream) return descriptor.responseStream ? "bidi_stream" : "client_stream";
  return descriptor.responseStream ? "server_stream" : "unary";
}

function deadlineOf(deadline: Date | number): number | undefined {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The verified client certificate of an mTLS call, if any. */
export function peerCertificateOf(call: {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}): PeerCertificate | undefined {
  const certificate = call.getAuthContext().sslPeerCertificate;
  // Node gives an empty object when the peer sent no certificate.
  return certificate && Object.keys(certificate).length > 0 ? certificate : undefined;
}

/** Timer and clock granularity between grpc-js's deadline timer and the deadline it reports. */
const DEADLINE_SLACK_MS = 10;

function deadlineExceeded(): ApiError {
  return new ApiError(StatusCode.DEADLINE_EXCEEDED, "client deadline exceeded", { reason: "DEADLINE_EXCEEDED" });
}

function openContext(
  path: string,
  type: CallContext["type"],
  call: ServerInterceptingCallInterface,
  metadata: Metadata,
): { ctx: GrpcCallContext; cancelled: () => void } {
  const controller = new AbortController();
  const deadline = deadlineOf(call.getDeadline());
  let timer: NodeJS.Timeout | undefined;
  if (deadline !== undefined) {
    timer = setTimeout(() => controller.abort(deadlineExceeded()), Math.max(0, deadline - Date.now()));
    timer.unref();
  }
  const listeners: Array<(outcome: CallOutcome) => void> = [];
  let ended = false;
  const ctx: GrpcCallContext = {
    ...splitPath(path),
    type,
    peer: call.getPeer(),
    metadata,
    peerCertificate: peerCertificateOf(call),
    signal: controller.signal,
    deadline,
    identity: { id: "anonymous", method: "peer", roles: [] },
    database: undefined,
    logFields: {},
    trace: undefined,
    end(outcome) {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      for (const listener of listeners) listener(outcome);
    },
    onEnd(listener) {
      listeners.push(listener);
    },
  };
  // grpc-js reports a cancel after every finished call too; only one before the end aborts the work. At the
  // deadline grpc-js answers DEADLINE_EXCEEDED itself and then reports the call cancelled: that is no cancel.
  const cancelled = () => {
    if (ended) return;
    controller.abort(
      deadline !== undefined && Date.now() >= deadline - DEADLINE_SLACK_MS
        ? deadlineExceeded()
        : new ApiError(StatusCode.CANCELLED, "call cancelled", { reason: "CANCELLED" }),
    );
  };
  return { ctx, cancelled };
}

export class CallContexts {
  private readonly byMetadata = new WeakMap<Metadata, GrpcCallContext>();

  /** Must be the server's first interceptor: the others and the handlers find the context it builds. */
  readonly interceptor: ServerInterceptor = (descriptor, call) => {
    let opened: ReturnType<typeof openContext> | undefined;
    const type = callTypeOf(descriptor);
    return new ServerInterceptingCall(
      call,
      new ResponderBuilder()
        .withStart((next) =>
          next(
            new ServerListenerBuilder()
              .withOnReceiveMetadata((metadata, nextMetadata) => {
                opened = openContext(descriptor.path, type, call, metadata);
                this.byMetadata.set(metadata, opened.ctx);
                nextMetadata(metadata);
              })
              .withOnCancel(() => opened?.cancelled())
              .build(),
          ),
        )
        .withSendStatus((status, next) => {
          // Statuses grpc-js sends itself (undecodable request, missing message) end the call here; the handler
          // adapter and the identity interceptor have ended their calls already, with the reason.
          opened?.ctx.end({ code: status.code as StatusCode, reason: undefined });
          next(status);
        })
        .build(),
    );
  };

  /** The context of a call whose metadata passed the interceptor, or undefined. */
  of(metadata: Metadata): GrpcCallContext | undefined {
    return this.byMetadata.get(metadata);
  }
}
