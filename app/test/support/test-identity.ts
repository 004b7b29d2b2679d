// TEST-ONLY caller identification: lets end-to-end tests of authorization name the caller and its roles in
// an `x-test-identity` header ("api_key:<name>:<role>,<role>") without depending on an authentication
// method. Never used by src/: a real deployment identifies callers by API key, JWT or client certificate.

import type { Identity } from "../../src/core/identity.js";
import type { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { type IdentityResolver, peerIdentity } from "../../src/transport/interceptors/identity.js";
import { clientWithMetadata } from "./grpc-client.js";

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

/** A client calling as the named test identity, e.g. clientAs(address, "api_key:alice", ["reader"]). */
export function clientAs(address: string, id: string, roles: string[]): SqlServiceClient {
  return clientWithMetadata(address, { [TEST_IDENTITY_HEADER]: `${id}:${roles.join(",")}` });
}
