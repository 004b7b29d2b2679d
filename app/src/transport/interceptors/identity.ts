// Identifies the caller of every call that needs one, before its handler starts: with authentication configured
// the resolver checks API keys, JWTs and client certificates (interceptors/authentication.ts) and throws to
// refuse. Without it, on a proxy that listens on loopback only, every caller is the one local identity ("local"):
// whoever reaches the port is on this host, so a session opened by one grpcurl call serves the next one. On a
// non-loopback address (allowed only with `insecure: true`) the caller is the transport peer (address and port),
// so a session is reachable only from the connection that opened it. A refused call ends here with its status;
// its messages are never read.
import type { ServerInterceptor } from "@grpc/grpc-js";
import type { Identity } from "../../core/identity.js";
import type { Logger } from "../../observability/logger.js";
import { runInContext } from "../../observability/spans.js";
import type { CallContexts } from "../call-contexts.js";
import type { GrpcCallContext } from "../grpc-call-context.js";
import { metadataStepInterceptor } from "./metadata-step.js";

/** Names the caller, or throws an ApiError (UNAUTHENTICATED) to refuse the call. */
export type IdentityResolver = (ctx: GrpcCallContext) => Promise<Identity>;

export const LOCAL_IDENTITY: Readonly<Identity> = Object.freeze({ id: "local", method: "peer", roles: [] });

export const localIdentity: IdentityResolver = async () => ({ id: LOCAL_IDENTITY.id, method: "peer", roles: [] });

export const peerIdentity: IdentityResolver = async (ctx) => ({ id: `peer:${ctx.peer}`, method: "peer", roles: [] });

export function identityInterceptor(
  contexts: CallContexts,
  resolve: IdentityResolver,
  identifies: (path: string) => boolean,
  logger: Logger,
): ServerInterceptor {
  return metadataStepInterceptor(contexts, identifies, logger, async (ctx) => {
    ctx.identity = await (ctx.trace ? runInContext(ctx.trace.context, () => resolve(ctx)) : resolve(ctx));
  });
}
