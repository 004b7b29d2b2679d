// OpenSession, CloseSession, Prepare, ClosePrepared, BeginTransaction, Commit, Rollback.
import { randomBytes } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { ApiError, invalidArgument, statementNotFound } from "../core/api-error.js";
import type { CallContext } from "../core/call-context.js";
import type { IsolationLevel as DomainIsolation } from "../db/driver.js";
import {
  type BeginTransactionRequest,
  type ClosePreparedRequest,
  type CloseSessionRequest,
  type CloseSessionResponse,
  type CommitRequest,
  IsolationLevel,
  type OpenSessionRequest,
  type OpenSessionResponse,
  type PrepareRequest,
  type PrepareResponse,
  type RollbackRequest,
} from "../gen/informix/proxy/v1/sql_service.js";
import { findDatabase, findSession } from "./connection-target.js";
import type { ServiceDeps } from "./service-deps.js";
import { checkSqlSize, parseStatement } from "./statement-input.js";

function requireSessionId(sessionId: string): void {
  if (sessionId === "") throw invalidArgument("session_id", "session_id is required");
}

export async function openSession(
  deps: ServiceDeps,
  ctx: CallContext,
  request: OpenSessionRequest,
): Promise<OpenSessionResponse> {
  const database = findDatabase(deps, request.database);
  ctx.database = database.name;
  // The role limit is checked inside open(), in the same synchronous step that reserves the session.
  const session = await deps.sessions.open(
    ctx.identity.id,
    database,
    (openOnDatabase) => deps.guard.checkSession(ctx.identity, database.name, openOnDatabase),
    deps.logins?.loginFor(ctx.identity.roles, database.name),
  );
  ctx.logFields.sessionId = session.id;
  try {
    const serverVersion = await session.lease.connection.serverVersion();
    return {
      sessionId: session.id,
      database: database.name,
      serverVersion,
      idleTimeoutSeconds: Math.round(deps.idleTimeoutMs / 1000),
    };
  } catch (error) {
    await deps.sessions.close(session.id, ctx.identity.id).catch(() => undefined);
    throw error;
  }
}

export async function closeSession(
  deps: ServiceDeps,
  ctx: CallContext,
  request: CloseSessionRequest,
): Promise<CloseSessionResponse> {
  requireSessionId(request.sessionId);
  ctx.logFields.sessionId = request.sessionId;
  return deps.sessions.close(request.sessionId, ctx.identity.id);
}

export async function prepare(deps: ServiceDeps, ctx: CallContext, request: PrepareRequest): Promise<PrepareResponse> {
  requireSessionId(request.sessionId);
  if (request.sql.trim() === "") throw invalidArgument("sql", "sql is empty");
  const session = findSession(deps, ctx, request.sessionId);
  checkSqlSize(request.sql, deps.limits, "sql");
  const statement = parseStatement(session.database, request.sql, "sql");
  const parameterCount = statement.placeholderCount;
  return session.run(async () => {
    if (session.prepared.size >= deps.maxPreparedPerSession) {
      throw new ApiError(
        status.RESOURCE_EXHAUSTED,
        `at most ${deps.maxPreparedPerSession} prepared statements per session`,
        {
          reason: "PREPARED_LIMIT",
        },
      );
    }
    const decision = await deps.guard.checkStatement({
      identity: ctx.identity,
      database: session.database.name,
      sql: request.sql,
      statement,
      rpc: ctx.method,
      inTransaction: session.inTransaction,
    });
    const prepared = await session.lease.connection.prepare(request.sql, {
      parsed: statement,
      permits: decision.permits,
    });
    // The client sees an opaque random id, never the driver's statement name. The parse travels with it: the guard
    // checks the same statement again on every run.
    const statementId = randomBytes(12).toString("hex");
    session.prepared.set(statementId, { ...prepared, parsed: statement });
    return { statementId, parameterCount: Math.max(parameterCount, prepared.parameterCount) };
  });
}

export async function closePrepared(
  deps: ServiceDeps,
  ctx: CallContext,
  request: ClosePreparedRequest,
): Promise<Record<string, never>> {
  requireSessionId(request.sessionId);
  if (request.statementId === "") throw invalidArgument("statement_id", "statement_id is required");
  const session = findSession(deps, ctx, request.sessionId);
  return session.run(async () => {
    const prepared = session.prepared.get(request.statementId);
    if (!prepared) throw statementNotFound();
    session.prepared.delete(request.statementId);
    await session.lease.connection.closePrepared(prepared);
    return {};
  });
}

const ISOLATION: Record<number, DomainIsolation> = {
  [IsolationLevel.ISOLATION_LEVEL_UNSPECIFIED]: "default",
  [IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED]: "read_uncommitted",
  [IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED]: "read_committed",
  [IsolationLevel.ISOLATION_LEVEL_REPEATABLE_READ]: "repeatable_read",
  [IsolationLevel.ISOLATION_LEVEL_SERIALIZABLE]: "serializable",
};

export async function beginTransaction(
  deps: ServiceDeps,
  ctx: CallContext,
  request: BeginTransactionRequest,
): Promise<Record<string, never>> {
  requireSessionId(request.sessionId);
  const isolation = ISOLATION[request.isolation];
  if (!isolation) throw invalidArgument("isolation", "unknown isolation level");
  const session = findSession(deps, ctx, request.sessionId);
  return session.run(async () => {
    if (session.inTransaction) {
      throw new ApiError(status.FAILED_PRECONDITION, "a transaction is already open in this session", {
        reason: "TRANSACTION_STATE",
      });
    }
    await session.lease.connection.begin(isolation, request.readOnly);
    return {};
  });
}

async function endTransaction(
  deps: ServiceDeps,
  ctx: CallContext,
  request: CommitRequest | RollbackRequest,
  action: "commit" | "rollback",
): Promise<Record<string, never>> {
  requireSessionId(request.sessionId);
  const session = findSession(deps, ctx, request.sessionId);
  return session.run(async () => {
    if (!session.inTransaction) {
      throw new ApiError(status.FAILED_PRECONDITION, `${action} without a transaction: call BeginTransaction first`, {
        reason: "NO_TRANSACTION",
      });
    }
    if (action === "commit") await session.lease.connection.commit();
    else await session.lease.connection.rollback();
    return {};
  });
}

export const commit = (deps: ServiceDeps, ctx: CallContext, request: CommitRequest) =>
  endTransaction(deps, ctx, request, "commit");
export const rollback = (deps: ServiceDeps, ctx: CallContext, request: RollbackRequest) =>
  endTransaction(deps, ctx, request, "rollback");
