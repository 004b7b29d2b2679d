// Assembles the gRPC server: SqlService behind the interceptor chain, grpc.health.v1.Health, and server
// reflection so grpcurl, Postman, Evans and ghz work without the proto files.
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import {
  type ExecuteStreamRequest,
  ExecuteStreamResponse,
  type SqlServiceServer,
  SqlServiceService,
} from "../gen/informix/proxy/v1/sql_service.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { CompatConnections } from "../rpc/compat/compat-connections.js";
import * as executeHandlers from "../rpc/execute-handlers.js";
import * as metadataHandlers from "../rpc/metadata-handlers.js";
import type { ServiceDeps } from "../rpc/service-deps.js";
import * as sessionHandlers from "../rpc/session-handlers.js";
import { addCompatService, COMPAT_SERVICE_NAME } from "./compat-service.js";
import type { GrpcCallContext, Interceptor } from "./grpc-call-context.js";
import { serverStream, unary } from "./handler-adapter.js";
import { errorMappingInterceptor } from "./interceptors/error-mapping.js";
import { type IdentityResolver, identityInterceptor, localIdentity, peerIdentity } from "./interceptors/identity.js";
import { observeInterceptor } from "./interceptors/observe.js";
import { addReflection } from "./reflection.js";
import { authenticatedServices } from "./reflection-guard.js";

const SERVICE = "informix.proxy.v1.SqlService";

type ServiceHandler<Req, Res> = (deps: ServiceDeps, ctx: GrpcCallContext, request: Req) => Promise<Res>;

export interface GrpcServerOptions {
  deps: ServiceDeps;
  logger: Logger;
  metrics: Metrics;
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
  identity?: IdentityResolver;
  /** Replaces the identity resolver when auth is configured (transport/interceptors/authentication.ts). */
  authentication?: Interceptor;
  /** With authentication: serve reflection to unauthenticated callers too. */
  anonymousReflection?: boolean;
  /** Serve the legacy informix.InformixService (config compat.enabled). */
  compat?: { connections: CompatConnections; passwordAsBearer: boolean };
  /** Listening on loopback only: without authentication every caller is the one local identity. */
  loopbackOnly?: boolean;
}

export function createSqlServiceImplementation(
  deps: ServiceDeps,
  interceptors: Interceptor[],
  metrics: Metrics,
): SqlServiceServer {
  const u = <Req, Res>(method: string, fn: ServiceHandler<Req, Res>) =>
    unary<Req, Res>(SERVICE, method, interceptors, (ctx, req) => fn(deps, ctx, req));
  return {
    openSession: u("OpenSession", sessionHandlers.openSession),
    closeSession: u("CloseSession", sessionHandlers.closeSession),
    execute: u("Execute", executeHandlers.execute),
    // Row batches are written as pre-encoded Buffers, which sqlServiceDefinition's serializer passes through.
    executeStream: serverStream<ExecuteStreamRequest, ExecuteStreamResponse | Buffer>(
      SERVICE,
      "ExecuteStream",
      interceptors,
      (ctx, req, write) => executeHandlers.executeStream(deps, ctx, req, write),
      () =>
        metrics.grpcMsgSent.inc({ grpc_type: "server_stream", grpc_service: SERVICE, grpc_method: "ExecuteStream" }),
    ) as unknown as SqlServiceServer["executeStream"],
    executeBatch: u("ExecuteBatch", executeHandlers.executeBatch),
    prepare: u("Prepare", sessionHandlers.prepare),
    closePrepared: u("ClosePrepared", sessionHandlers.closePrepared),
    beginTransaction: u("BeginTransaction", sessionHandlers.beginTransaction),
    commit: u("Commit", sessionHandlers.commit),
    rollback: u("Rollback", sessionHandlers.rollback),
    listTables: u("ListTables", metadataHandlers.listTables),
    describeTable: u("DescribeTable", metadataHandlers.describeTable),
    ping: u("Ping", metadataHandlers.ping),
  };
}

// ExecuteStream row batches arrive already encoded (rpc/row-batch-encoder.ts) and pass through as bytes.
const sqlServiceDefinition = {
  ...SqlServiceService,
  executeStream: {
    ...SqlServiceService.executeStream,
    responseSerialize: (value: ExecuteStreamResponse | Buffer): Buffer =>
      Buffer.isBuffer(value) ? value : Buffer.from(ExecuteStreamResponse.encode(value).finish()),
  },
};

export interface GrpcServer {
  server: Server;
  health: HealthImplementation;
}

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const server = new Server({
    "grpc.max_receive_message_length": options.maxReceiveMessageBytes,
    "grpc.max_send_message_length": options.maxSendMessageBytes,
  });
  // Observe first, so calls refused while identifying the caller are logged and counted (Unauthenticated too);
  // without authentication the caller is identified by its address.
  const identify =
    options.authentication ??
    identityInterceptor(options.identity ?? (options.loopbackOnly ? localIdentity : peerIdentity));
  const observe = observeInterceptor(options.logger, options.metrics);
  const mapErrors = errorMappingInterceptor(options.logger);
  const interceptors: Interceptor[] = [observe, identify, mapErrors];
  server.addService(sqlServiceDefinition, createSqlServiceImplementation(options.deps, interceptors, options.metrics));
  if (options.compat) {
    addCompatService(server, {
      deps: { ...options.deps, connections: options.compat.connections },
      connectInterceptors: interceptors,
      callInterceptors: [observe, mapErrors],
      passwordAsBearer: options.compat.passwordAsBearer,
      onMessageSent: () =>
        options.metrics.grpcMsgSent.inc({
          grpc_type: "server_stream",
          grpc_service: COMPAT_SERVICE_NAME,
          grpc_method: "ExecuteQuery",
        }),
    });
  }

  const health = new HealthImplementation({ "": "NOT_SERVING", [SERVICE]: "NOT_SERVING" });
  health.addToServer(server);

  // Health stays open for probes; reflection needs credentials like SqlService unless configured otherwise.
  addReflection(
    options.authentication && !options.anonymousReflection
      ? authenticatedServices(server, options.authentication)
      : server,
    options.compat ? [] : [COMPAT_SERVICE_NAME],
  );
  return { server, health };
}

export function bindGrpc(
  server: Server,
  host: string,
  port: number,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<number> {
  const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
}

export const SQL_SERVICE_NAME = SERVICE;
