// TEST-ONLY caller identification: lets end-to-end tests of authorization name the caller and its roles in
// an `x-test-identity` header ("api_key:<name>:<role>,<role>") without depending on an authentication
// method. Never used by src/: a real deployment identifies callers by API key, JWT or client certificate.
import { credentials, InterceptingCall, type Interceptor } from "@grpc/grpc-js";
import { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import type { Identity } from "../../src/server/call-context.js";
import { type IdentityResolver, peerIdentity } from "../../src/server/interceptors/identity.js";

export const TEST_IDENTITY_HEADER = "x-test-identity";

export const headerIdentity: IdentityResolver = async (ctx) => {
  const value = ctx.metadata.get(TEST_IDENTITY_HEADER)[0];
  if (typeof value !== "string") return peerIdentity(ctx);
  const [method, name, roles = ""] = value.split(":");
  return {
    id: `${method}:${name}`,
    method: method as Identity["method"],
    roles: roles.split(",").filter((r) => r !== ""),
  };
};

/** A client on its own connection whose every call carries these metadata entries. */
export function clientWithMetadata(address: string, entries: Record<string, string>): SqlServiceClient {
  const addMetadata: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
        next(metadata, listener);
      },
    });
  return new SqlServiceClient(address, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
    interceptors: [addMetadata],
  });
}

/** A client calling as the named test identity, e.g. clientAs(address, "api_key:alice", ["reader"]). */
export function clientAs(address: string, id: string, roles: string[]): SqlServiceClient {
  return clientWithMetadata(address, { [TEST_IDENTITY_HEADER]: `${id}:${roles.join(",")}` });
}
