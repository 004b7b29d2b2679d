// Server reflection lists every RPC and message of the API; with authentication configured it answers only
// callers the SqlService would accept (unless auth.anonymousReflection says otherwise). Reflection is a
// separate grpc-js service outside the SqlService handler adapter, so this wraps its bidi handler: the stream
// is not read until the caller is authenticated, and a refused caller gets the same status as on SqlService.
import type { Server, ServerDuplexStream, ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";
import { ApiError, internalError } from "../core/api-error.js";
import type { GrpcCallContext, Interceptor } from "./grpc-call-context.js";
import { peerCertificateOf } from "./handler-adapter.js";
import { toServiceError } from "./status-details.js";

type ServerLike = Pick<Server, "addService">;

/** A Server facade for ReflectionService.addToServer whose handlers first pass the authentication interceptor. */
export function authenticatedServices(server: Server, authenticate: Interceptor): ServerLike {
  return {
    addService(service: ServiceDefinition, implementation: UntypedServiceImplementation) {
      const guarded: UntypedServiceImplementation = {};
      for (const [name, handler] of Object.entries(implementation)) {
        const serviceName = serviceNameOf(service);
        guarded[name] = ((call: ServerDuplexStream<unknown, unknown>) => {
          const ctx = contextOf(serviceName, name, call);
          authenticate(ctx, async () => {
            (handler as (call: ServerDuplexStream<unknown, unknown>) => void)(call);
          }).catch((error: unknown) => {
            const apiError = error instanceof ApiError ? error : internalError();
            call.emit("error", toServiceError(apiError));
          });
        }) as UntypedServiceImplementation[string];
      }
      server.addService(service, guarded);
    },
  };
}

function serviceNameOf(service: ServiceDefinition): string {
  const first = Object.values(service)[0];
  // paths look like "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
  return first ? (first.path.split("/")[1] ?? "") : "";
}

function contextOf(service: string, method: string, call: ServerDuplexStream<unknown, unknown>): GrpcCallContext {
  return {
    service,
    method,
    // Reflection is bidi; the context's type only matters to metrics, which reflection does not feed.
    type: "server_stream",
    peer: call.getPeer(),
    metadata: call.metadata,
    peerCertificate: peerCertificateOf(call),
    signal: new AbortController().signal,
    deadline: undefined,
    identity: { id: "anonymous", method: "peer", roles: [] },
    logFields: {},
  };
}
