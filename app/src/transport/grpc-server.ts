// Assembles the gRPC server: one interceptor chain for every service (call context -> observe -> identity), then
// SqlService through the handler adapter, grpc.health.v1.Health, and server reflection so grpcurl, Postman, Evans
// and ghz work without the proto files. Later services (admin, compatibility) register the same way.
import { type ChannelOptions, Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import {
  type ExecuteStreamRequest,
  ExecuteStreamResponse,
  type SqlServiceServer,
  SqlServiceService,
} from "../gen/informix/proxy/v1/sql_service.js";
import type { Admission } from "../limits/admission.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { CompatConnections } from "../rpc/compat/compat-connections.js";
import * as executeHandlers from "../rpc/execute-handlers.js";
import * as metadataHandlers from "../rpc/metadata-handlers.js";
import type { ServiceDeps } from "../rpc/service-deps.js";
import * as sessionHandlers from "../rpc/session-handlers.js";
import { CallContexts } from "./call-contexts.js";
import { addCompatService, COMPAT_SERVICE_NAME } from "./compat-service.js";
import type { GrpcCallContext } from "./grpc-call-context.js";
import { createHandlerAdapter, type HandlerAdapter } from "./handler-adapter.js";
import { admissionInterceptor } from "./interceptors/admission.js";
import { type IdentityResolver, identityInterceptor, localIdentity, peerIdentity } from "./interceptors/identity.js";
import { observeInterceptor } from "./interceptors/observe.js";
import { addReflection } from "./reflection.js";

const SERVICE = "informix.proxy.v1.SqlService";
const isHealth = (path: string) => path.startsWith("/grpc.health.v1.Health/");
const isReflection = (path: string) => path.startsWith("/grpc.reflection.");
// The legacy service identifies its callers itself: Connect like any call (its password may carry the
// credential), later calls by their connection_id (transport/compat-service.ts).
const isCompat = (path: string) => path.startsWith(`/${COMPAT_SERVICE_NAME}/`);

type ServiceHandler<Req, Res> = (deps: ServiceDeps, ctx: GrpcCallContext, request: Req) => Promise<Res>;

export interface GrpcServerOptions {
  deps: ServiceDeps;
  logger: Logger;
  metrics: Metrics;
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
  /** Keepalive and connection-age options (transport/keepalive.ts). */
  channelOptions?: ChannelOptions;
  identity?: IdentityResolver;
  /** Replaces the identity resolver when auth is configured (transport/interceptors/authentication.ts). */
  authentication?: IdentityResolver;
  /** With authentication: serve reflection to unauthenticated callers too. */
  anonymousReflection?: boolean;
  /** Serve the legacy informix.InformixService (config compat.enabled). */
  compat?: {
    connections: CompatConnections;
    passwordAsBearer: boolean;
    databases: Record<string, string>;
    unmatched: "default" | "refuse";
  };
  /** Listening on loopback only: without authentication every caller is the one local identity. */
  loopbackOnly?: boolean;
  /** Admission control (limits/): shedding, rates and in-flight caps, right after the caller is identified. */
  admission?: Admission;
}

export function createSqlServiceImplementation(deps: ServiceDeps, adapter: HandlerAdapter): SqlServiceServer {
  const u = <Req, Res>(fn: ServiceHandler<Req, Res>) => adapter.unary<Req, Res>((ctx, req) => fn(deps, ctx, req));
  return {
    openSession: u(sessionHandlers.openSession),
    closeSession: u(sessionHandlers.closeSession),
    execute: u(executeHandlers.execute),
    // Row batches are written as pre-encoded Buffers, which sqlServiceDefinition's serializer passes through.
    executeStream: adapter.serverStream<ExecuteStreamRequest, ExecuteStreamResponse | Buffer>((ctx, req, write) =>
      executeHandlers.executeStream(deps, ctx, req, write),
    ) as unknown as SqlServiceServer["executeStream"],
    executeBatch: u(executeHandlers.executeBatch),
    prepare: u(sessionHandlers.prepare),
    closePrepared: u(sessionHandlers.closePrepared),
    beginTransaction: u(sessionHandlers.beginTransaction),
    commit: u(sessionHandlers.commit),
    rollback: u(sessionHandlers.rollback),
    listTables: u(metadataHandlers.listTables),
    describeTable: u(metadataHandlers.describeTable),
    ping: u(metadataHandlers.ping),
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
  const contexts = new CallContexts();
  const authenticated = options.authentication !== undefined;
  const identify = options.authentication ?? options.identity ?? (options.loopbackOnly ? localIdentity : peerIdentity);
  const server = new Server({
    ...options.channelOptions,
    "grpc.max_receive_message_length": options.maxReceiveMessageBytes,
    "grpc.max_send_message_length": options.maxSendMessageBytes,
    // First to last as a call arrives. Observe before identity, so calls refused while identifying the caller are
    // logged and counted (Unauthenticated too). Health probes and reflection stay out of the RPC metrics and log:
    // alert rules take error ratios over every observed call. Health answers without credentials; reflection
    // needs them like SqlService when authentication is configured, unless auth.anonymousReflection says otherwise.
    interceptors: [
      contexts.interceptor,
      observeInterceptor(contexts, options.logger, options.metrics, (path) => !isHealth(path) && !isReflection(path)),
      identityInterceptor(
        contexts,
        identify,
        (path) =>
          !isHealth(path) &&
          !isCompat(path) &&
          !(isReflection(path) && (!authenticated || options.anonymousReflection === true)),
        options.logger,
      ),
      ...(options.admission
        ? [
            admissionInterceptor(
              contexts,
              options.admission,
              (path) => !isHealth(path) && !isReflection(path),
              options.logger,
            ),
          ]
        : []),
    ],
  });
  const adapter = createHandlerAdapter(contexts, options.logger);
  server.addService(sqlServiceDefinition, createSqlServiceImplementation(options.deps, adapter));
  if (options.compat) {
    addCompatService(server, {
      contexts,
      logger: options.logger,
      deps: {
        ...options.deps,
        connections: options.compat.connections,
        compat: { databases: options.compat.databases, unmatched: options.compat.unmatched },
      },
      identify,
      passwordAsBearer: options.compat.passwordAsBearer,
    });
  }

  const health = new HealthImplementation({ "": "NOT_SERVING", [SERVICE]: "NOT_SERVING" });
  health.addToServer(server);
  addReflection(server, options.compat ? [] : [COMPAT_SERVICE_NAME]);
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
