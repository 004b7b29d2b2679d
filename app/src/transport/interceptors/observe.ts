// One log line, one server span and the go-grpc-prometheus metrics per RPC, taken here and nowhere else: timed from the call's
// metadata to its end (ctx.end). Logs carry method, caller, database, session, status
// and duration; never SQL parameter values.
import { ResponderBuilder, ServerInterceptingCall, type ServerInterceptor, ServerListenerBuilder } from "@grpc/grpc-js";
import { codeName, StatusCode } from "../../core/status-codes.js";
import type { Logger } from "../../observability/logger.js";
import type { Metrics } from "../../observability/metrics.js";
import { endServerSpan, startServerSpan, traceIds } from "../../observability/spans.js";
import { type CallContexts, callTypeOf, splitPath } from "../call-contexts.js";

export function observeInterceptor(
  contexts: CallContexts,
  logger: Logger,
  metrics: Metrics,
  observes: (path: string) => boolean,
): ServerInterceptor {
  return (descriptor, call) => {
    if (!observes(descriptor.path)) return new ServerInterceptingCall(call);
    const { service, method } = splitPath(descriptor.path);
    const labels = { grpc_type: callTypeOf(descriptor), grpc_service: service, grpc_method: method };
    // Counted as started with its first request message, or with its end when refused before one: grpc-js answers
    // an undecodable request itself, past every interceptor, so such a call is neither started nor handled here.
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      metrics.grpcStarted.inc(labels);
    };
    const responder = new ResponderBuilder().withStart((next) =>
      next(
        new ServerListenerBuilder()
          .withOnReceiveMetadata((metadata, nextMetadata) => {
            const ctx = contexts.of(metadata);
            const started = process.hrtime.bigint();
            // The server span continues the client's trace (W3C traceparent) when the call carries one.
            if (ctx) ctx.trace = startServerSpan(service, method, metadata);
            ctx?.onEnd(({ code, reason }) => {
              count();
              const span = ctx.trace?.span;
              if (span) endServerSpan(span, code, codeName(code), ctx.database);
              const seconds = Number(process.hrtime.bigint() - started) / 1e9;
              metrics.grpcHandled.inc({ ...labels, grpc_code: codeName(code) });
              metrics.grpcHandlingSeconds.observe(labels, seconds);
              const line = {
                method: `${service}/${method}`,
                caller: ctx.identity.id,
                code: codeName(code),
                durationMs: Math.round(seconds * 1e6) / 1e3,
                ...(ctx.database !== undefined ? { database: ctx.database } : {}),
                ...ctx.logFields,
                // The reason only: database messages can quote parameter values (e.g. "invalid input syntax: 'x'").
                ...(reason ? { reason } : {}),
                ...traceIds(span),
              };
              if (code === StatusCode.OK || code === StatusCode.CANCELLED) logger.info(line, "rpc");
              else logger.warn(line, "rpc");
            });
            nextMetadata(metadata);
          })
          .withOnReceiveMessage((message, nextMessage) => {
            count();
            nextMessage(message);
          })
          .build(),
      ),
    );
    if (descriptor.responseStream) {
      responder.withSendMessage((message, next) => {
        metrics.grpcMsgSent.inc(labels);
        next(message);
      });
    }
    return new ServerInterceptingCall(call, responder.build());
  };
}
