// The call context as the transport sees it: the transport-free CallContext plus what only interceptors read
// (gRPC metadata for bearer tokens, the verified client certificate), and the interceptor chain over it.

import type { PresentedCredentials } from "../auth/authenticator.js";
import type { CallContext } from "../core/call-context.js";

export interface GrpcCallContext extends CallContext, PresentedCredentials {}

export type Interceptor = (ctx: GrpcCallContext, next: () => Promise<void>) => Promise<void>;

export function runChain(interceptors: Interceptor[], ctx: GrpcCallContext, last: () => Promise<void>): Promise<void> {
  const step = (index: number): Promise<void> => {
    const interceptor = interceptors[index];
    return interceptor ? interceptor(ctx, () => step(index + 1)) : last();
  };
  return step(0);
}
