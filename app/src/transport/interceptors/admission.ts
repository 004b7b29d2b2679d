// Hooks admission control into the gRPC interceptor chain, right after the caller is identified: a refused
// call ends here with its status (its request is never read); an admitted one releases its in-flight count
// when it ends, however it ends.
import { ResponderBuilder, ServerInterceptingCall, type ServerInterceptor, ServerListenerBuilder } from "@grpc/grpc-js";
import type { Admission } from "../../limits/admission.js";
import type { Logger } from "../../observability/logger.js";
import type { CallContexts } from "../call-contexts.js";
import { failCall } from "../error-status.js";

export function admissionInterceptor(
  contexts: CallContexts,
  admission: Admission,
  admits: (path: string) => boolean,
  logger: Logger,
): ServerInterceptor {
  return (descriptor, call) => {
    if (!admits(descriptor.path)) return new ServerInterceptingCall(call);
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
                admission.admit(ctx.identity.id).then(
                  (release) => {
                    ctx.onEnd(release);
                    nextMetadata(metadata);
                  },
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
