// The shape every refusing interceptor shares: for the calls it applies to, run one asynchronous step on the
// call's context when its metadata arrives; the call goes on only once the step resolves, and a step that throws
// ends the call with its mapped status (its messages are never read).
import { ResponderBuilder, ServerInterceptingCall, type ServerInterceptor, ServerListenerBuilder } from "@grpc/grpc-js";
import type { Logger } from "../../observability/logger.js";
import type { CallContexts } from "../call-contexts.js";
import { failCall } from "../error-status.js";
import type { GrpcCallContext } from "../grpc-call-context.js";

export function metadataStepInterceptor(
  contexts: CallContexts,
  appliesTo: (path: string) => boolean,
  logger: Logger,
  step: (ctx: GrpcCallContext) => Promise<void>,
): ServerInterceptor {
  return (descriptor, call) => {
    if (!appliesTo(descriptor.path)) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(
      call,
      new ResponderBuilder()
        .withStart((next) =>
          next(
            new ServerListenerBuilder()
              .withOnReceiveMetadata((metadata, nextMetadata) => {
                const ctx = contexts.of(metadata);
                if (!ctx) {
                  call.sendStatus(failCall(undefined, new Error("no call context for this call"), logger));
                  return;
                }
                step(ctx).then(
                  () => nextMetadata(metadata),
                  (error: unknown) => call.sendStatus(failCall(ctx, error, logger)),
                );
              })
              .build(),
          ),
        )
        .build(),
    );
  };
}
