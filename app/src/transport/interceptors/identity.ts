// Identifies the caller when no authentication is configured (auth/ replaces this with API keys, JWTs and
// mTLS identities when it is). On a proxy that listens on loopback only, every caller is one local identity
// ("local"): whoever can reach the port is on this host, so a session opened by one grpcurl call can be used
// by the next one. On a non-loopback address (allowed only with `insecure: true`) the caller is the transport
// peer (address and port), so a session is reachable only from the connection that opened it.
import type { Identity } from "../../core/identity.js";
import type { GrpcCallContext, Interceptor } from "../grpc-call-context.js";

export type IdentityResolver = (ctx: GrpcCallContext) => Promise<Identity>;

export const LOCAL_IDENTITY: Identity = Object.freeze({ id: "local", method: "peer", roles: [] }) as Identity;

export const localIdentity: IdentityResolver = async () => ({ ...LOCAL_IDENTITY, roles: [] });

export const peerIdentity: IdentityResolver = async (ctx) => ({ id: `peer:${ctx.peer}`, method: "peer", roles: [] });

export function identityInterceptor(resolve: IdentityResolver): Interceptor {
  return async (ctx, next) => {
    ctx.identity = await resolve(ctx);
    await next();
  };
}
