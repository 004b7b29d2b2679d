// Serves informix.InformixService (rpc/compat/) when compat.enabled. The same interceptors as SqlService record
// every call's real status in logs and metrics; the answer then follows the legacy contract (an OK response
// with success = false / error text). Connect is authenticated like any v1 call (and, with
// compat.passwordAsBearer, by an API key or JWT in its password field); later calls carry only a
// connection_id and act as the identity that ran Connect.
import type { Server, ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import type {
  ConnectionRequest,
  ConnectionResponse,
  InformixServiceServer,
  QueryResponse,
} from "../gen/informix/informix.js";
import { InformixServiceService } from "../gen/informix/informix.js";
import * as compat from "../rpc/compat/compat-handlers.js";
import { legacyFailure } from "../rpc/compat/legacy-errors.js";
import type { GrpcCallContext, Interceptor } from "./grpc-call-context.js";
import { type ErrorAnswer, serverStream, unary } from "./handler-adapter.js";

export const COMPAT_SERVICE_NAME = "informix.InformixService";

export interface CompatServiceOptions {
  deps: compat.CompatDeps;
  /** observe -> identify -> errors, as for SqlService: used by Connect. */
  connectInterceptors: Interceptor[];
  /** observe -> errors: the identity comes from the connection_id. */
  callInterceptors: Interceptor[];
  passwordAsBearer: boolean;
  onMessageSent?: () => void;
}

type Handler<Req, Res> = (deps: compat.CompatDeps, ctx: GrpcCallContext, request: Req) => Promise<Res>;

export function addCompatService(server: Pick<Server, "addService">, options: CompatServiceOptions): void {
  const { deps } = options;
  const u = <Req, Res>(method: string, fn: Handler<Req, Res>, failure: ErrorAnswer<Res>) =>
    unary<Req, Res>(COMPAT_SERVICE_NAME, method, options.callInterceptors, (ctx, req) => fn(deps, ctx, req), failure);
  const stream = <Req>(
    method: string,
    fn: (deps: compat.CompatDeps, ctx: GrpcCallContext, req: Req, write: compat.LegacyWrite) => Promise<void>,
  ) =>
    serverStream<Req, QueryResponse>(
      COMPAT_SERVICE_NAME,
      method,
      options.callInterceptors,
      (ctx, req: Req, write) => fn(deps, ctx, req, write),
      options.onMessageSent,
      legacyFailure.query,
    );
  const connect = unary(
    COMPAT_SERVICE_NAME,
    "Connect",
    options.connectInterceptors,
    (ctx, req: ConnectionRequest) => compat.connect(deps, ctx, req),
    legacyFailure.connect,
  );
  const implementation: InformixServiceServer = {
    connect: options.passwordAsBearer
      ? (call: ServerUnaryCall<ConnectionRequest, ConnectionResponse>, callback: sendUnaryData<ConnectionResponse>) => {
          // Unchanged legacy clients cannot add call metadata, but they do send a password.
          if (call.metadata.get("authorization").length === 0 && call.request.password !== "") {
            call.metadata.set("authorization", `Bearer ${call.request.password}`);
          }
          connect(call, callback);
        }
      : connect,
    disconnect: u("Disconnect", compat.disconnect, legacyFailure.disconnect),
    ping: u("Ping", compat.ping, legacyFailure.ping),
    executeQuery: stream("ExecuteQuery", compat.executeQuery),
    executeUpdate: u("ExecuteUpdate", compat.executeUpdate, legacyFailure.update),
    executeBatch: u("ExecuteBatch", compat.executeBatch, legacyFailure.batch),
    prepareStatement: u("PrepareStatement", compat.prepareStatement, legacyFailure.prepare),
    executePrepared: stream("ExecutePrepared", compat.executePrepared),
    closePrepared: u("ClosePrepared", compat.closePrepared, legacyFailure.closePrepared),
    beginTransaction: u("BeginTransaction", compat.beginTransaction, legacyFailure.transaction),
    commit: u("Commit", compat.commit, legacyFailure.transaction),
    rollback: u("Rollback", compat.rollback, legacyFailure.transaction),
    getMetadata: u("GetMetadata", compat.getMetadata, legacyFailure.metadata),
  };
  server.addService(InformixServiceService, implementation);
}
