// Identifies the caller. Until authentication lands the caller is the transport peer (address and port),
// so a session opened on one connection is reachable only from that connection. The security issue
// replaces this resolver with API keys, JWTs and mTLS identities through the same hook.
import type { Identity } from "../../core/identity.js";
import type { GrpcCallContext, Interceptor } from "../grpc-call-context.js";

export type IdentityResolver = (ctx: GrpcCallContext) => Promise<Identity>;

export const peerIdentity: IdentityResolver = async (ctx) => ({ id: `peer:${ctx.peer}`, method: "peer", roles: [] });

export function identityInterceptor(resolve: IdentityResolver): Interceptor {
  return async (ctx, next) => {
    ctx.identity = await resolve(ctx);
    await next();
  };
}
