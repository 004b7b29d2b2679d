// Serves informix.InformixService (rpc/compat/) when compat.enabled, behind the same interceptor chain as every
// service (call context, observe), so logs and metrics record each call's real status. Failures are then answered
// the legacy way: an OK response with success = false and/or the error text (failCall maps and records the status;
// the client gets the message). Callers are identified here, not by the identity interceptor: Connect with the
// proxy's resolver (API key, JWT, client certificate; with compat.passwordAsBearer also an API key or JWT in the
// password field, since unchanged legacy clients cannot add call metadata), later calls by their connection_id,
// as the identity that ran Connect.
import { once } from "node:events";
import type { Server, ServerUnaryCall, ServerWritableStream, sendUnaryData } from "@grpc/grpc-js";
import { StatusCode } from "../core/status-codes.js";
import {
  type ConnectionRequest,
  type InformixServiceServer,
  InformixServiceService,
  type QueryResponse,
} from "../gen/informix/informix.js";
import type { Logger } from "../observability/logger.js";
import * as compat from "../rpc/compat/compat-handlers.js";
import { legacyFailure } from "../rpc/compat/legacy-errors.js";
import type { CallContexts } from "./call-contexts.js";
import { failCall } from "./error-status.js";
import type { GrpcCallContext } from "./grpc-call-context.js";
import type { IdentityResolver } from "./interceptors/identity.js";

export const COMPAT_SERVICE_NAME = "informix.InformixService";

export interface CompatServiceOptions {
  contexts: CallContexts;
  logger: Logger;
  deps: compat.CompatDeps;
  /** The proxy's caller identification (authentication when configured). */
  identify: IdentityResolver;
  passwordAsBearer: boolean;
}

type Handler<Req, Res> = (deps: compat.CompatDeps, ctx: GrpcCallContext, request: Req) => Promise<Res>;
type StreamHandler<Req> = (
  deps: compat.CompatDeps,
  ctx: GrpcCallContext,
  request: Req,
  write: compat.LegacyWrite,
) => Promise<void>;

function succeeded(ctx: GrpcCallContext): void {
  ctx.end({ code: ctx.signal.aborted ? StatusCode.CANCELLED : StatusCode.OK, reason: undefined });
}

export function addCompatService(server: Pick<Server, "addService">, options: CompatServiceOptions): void {
  const { deps, contexts, logger } = options;
  const missing = () => new Error("no call context: CallContexts.interceptor is not installed");
  /** The legacy answer to a failure, after failCall has mapped it and ended the call with its real status. */
  const answer = <Res>(ctx: GrpcCallContext | undefined, error: unknown, failure: (message: string) => Res): Res =>
    failure(failCall(ctx, error, logger).details);

  const unary =
    <Req, Res>(fn: Handler<Req, Res>, failure: (message: string) => Res) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const ctx = contexts.of(call.metadata);
      if (!ctx) return callback(null, answer(undefined, missing(), failure));
      fn(deps, ctx, call.request).then(
        (response) => {
          succeeded(ctx);
          callback(null, response);
        },
        (error: unknown) => callback(null, answer(ctx, error, failure)),
      );
    };

  const stream =
    <Req>(fn: StreamHandler<Req>) =>
    (call: ServerWritableStream<Req, QueryResponse>) => {
      const ctx = contexts.of(call.metadata);
      if (!ctx) {
        call.write(answer(undefined, missing(), legacyFailure.query));
        call.end();
        return;
      }
      const write = async (message: QueryResponse): Promise<void> => {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (!call.write(message)) await Promise.race([once(call, "drain"), once(ctx.signal, "abort")]);
      };
      fn(deps, ctx, call.request, write).then(
        () => {
          succeeded(ctx);
          if (!ctx.signal.aborted) call.end();
        },
        (error: unknown) => {
          const failure = answer(ctx, error, legacyFailure.query);
          if (ctx.signal.aborted) return; // the client has gone: nobody to tell
          call.write(failure);
          call.end();
        },
      );
    };

  const connect: Handler<ConnectionRequest, Awaited<ReturnType<typeof compat.connect>>> = async (d, ctx, request) => {
    let presented = ctx;
    if (options.passwordAsBearer && ctx.metadata.get("authorization").length === 0 && request.password !== "") {
      const metadata = ctx.metadata.clone();
      metadata.set("authorization", `Bearer ${request.password}`);
      presented = { ...ctx, metadata };
    }
    ctx.identity = await options.identify(presented);
    return compat.connect(d, ctx, request);
  };

  const implementation: InformixServiceServer = {
    connect: unary(connect, legacyFailure.connect),
    disconnect: unary(compat.disconnect, legacyFailure.disconnect),
    ping: unary(compat.ping, legacyFailure.ping),
    executeQuery: stream(compat.executeQuery),
    executeUpdate: unary(compat.executeUpdate, legacyFailure.update),
    executeBatch: unary(compat.executeBatch, legacyFailure.batch),
    prepareStatement: unary(compat.prepareStatement, legacyFailure.prepare),
    executePrepared: stream(compat.executePrepared),
    closePrepared: unary(compat.closePrepared, legacyFailure.closePrepared),
    beginTransaction: unary(compat.beginTransaction, legacyFailure.transaction),
    commit: unary(compat.commit, legacyFailure.transaction),
    rollback: unary(compat.rollback, legacyFailure.transaction),
    getMetadata: unary(compat.getMetadata, legacyFailure.metadata),
  };
  server.addService(InformixServiceService, implementation);
}
