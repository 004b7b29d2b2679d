// Adapts promise-returning handlers to grpc-js. The call's context comes from the interceptor chain
// (call-contexts.ts); the adapter runs the handler, ends the call once (OK, CANCELLED or the error's mapped
// status, failCall) and sends the result, honouring back-pressure on streams.
import { once } from "node:events";
import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from "@grpc/grpc-js";
import { seenByClient } from "../core/call-outcome.js";
import { StatusCode } from "../core/status-codes.js";
import type { Logger } from "../observability/logger.js";
import { runInContext } from "../observability/spans.js";
import type { CallContexts } from "./call-contexts.js";
import { failCall } from "./error-status.js";
import type { GrpcCallContext } from "./grpc-call-context.js";

export type UnaryHandler<Req, Res> = (ctx: GrpcCallContext, request: Req) => Promise<Res>;
export type StreamHandler<Req, Res> = (
  ctx: GrpcCallContext,
  request: Req,
  write: (message: Res) => Promise<void>,
) => Promise<void>;

export interface HandlerAdapter {
  unary<Req, Res>(
    handler: UnaryHandler<Req, Res>,
  ): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;
  serverStream<Req, Res>(handler: StreamHandler<Req, Res>): (call: ServerWritableStream<Req, Res>) => void;
}

/** A handler that finished while the client had gone counts as what the client saw: cancelled or past its deadline. */
function succeeded(ctx: GrpcCallContext): void {
  ctx.end({ code: seenByClient(ctx, StatusCode.OK), reason: undefined });
}

/** Runs the handler with the call's span active, so its log lines and child spans belong to the call. */
function inCallContext<T>(ctx: GrpcCallContext, run: () => T): T {
  return ctx.trace ? runInContext(ctx.trace.context, run) : run();
}

export function createHandlerAdapter(contexts: CallContexts, logger: Logger): HandlerAdapter {
  const missing = () =>
    failCall(undefined, new Error("no call context: CallContexts.interceptor is not installed"), logger);
  return {
    unary: (handler) => (call, callback) => {
      const ctx = contexts.of(call.metadata);
      if (!ctx) return callback(missing());
      inCallContext(ctx, () => handler(ctx, call.request)).then(
        (response) => {
          succeeded(ctx);
          callback(null, response);
        },
        (error: unknown) => callback(failCall(ctx, error, logger)),
      );
    },
    serverStream: (handler) => (call) => {
      const ctx = contexts.of(call.metadata);
      if (!ctx) {
        call.emit("error", missing());
        return;
      }
      const write = async (message: Parameters<typeof call.write>[0]): Promise<void> => {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (!call.write(message)) {
          // Back-pressure: wait until grpc-js has flushed, or the call ends.
          await Promise.race([once(call, "drain"), once(ctx.signal, "abort")]);
        }
      };
      inCallContext(ctx, () => handler(ctx, call.request, write)).then(
        () => {
          succeeded(ctx);
          if (!ctx.signal.aborted) call.end();
        },
        (error: unknown) => {
          const status = failCall(ctx, error, logger);
          // A cancelled client hears nothing; a passed deadline is reported as such.
          if (ctx.signal.aborted && status.code !== StatusCode.DEADLINE_EXCEEDED) return;
          call.emit("error", status);
        },
      );
    },
  };
}
