// Hooks admission control into the gRPC interceptor chain, right after the caller is identified: a refused
// call ends here with its status (its request is never read); an admitted one releases its in-flight count
// when it ends, however it ends.
import type { ServerInterceptor } from "@grpc/grpc-js";
import type { Admission } from "../../limits/admission.js";
import type { Logger } from "../../observability/logger.js";
import type { CallContexts } from "../call-contexts.js";
import { metadataStepInterceptor } from "./metadata-step.js";

export function admissionInterceptor(
  contexts: CallContexts,
  admission: Admission,
  admits: (path: string) => boolean,
  logger: Logger,
): ServerInterceptor {
  return metadataStepInterceptor(contexts, admits, logger, async (ctx) => {
    ctx.onEnd(await admission.admit(ctx.identity.id));
  });
}
