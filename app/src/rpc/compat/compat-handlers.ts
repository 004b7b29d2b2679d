// informix.InformixService mapped onto the v1 handlers, so that legacy calls go through the same sessions,
// pools, policy, audit and metrics as SqlService. Handlers throw ApiErrors like v1 handlers do; the transport
// answers them the legacy way (success = false, error text) after the interceptors have recorded the status.
import { status } from "@grpc/grpc-js";
import type { CompatConfig } from "../../config/compat-schema.js";
import { ApiError, invalidArgument } from "../../core/api-error.js";
import type { CallContext } from "../../core/call-context.js";
import type * as legacy from "../../gen/informix/informix.js";
import {
  type ExecuteStreamResponse,
  ExecuteStreamResponse as ExecuteStreamResponseCodec,
  IsolationLevel,
  TableKind,
} from "../../gen/informix/proxy/v1/sql_service.js";
import type { Column, Row } from "../../gen/informix/proxy/v1/values.js";
import { toApiError } from "../db-error-mapping.js";
import * as executeHandlers from "../execute-handlers.js";
import * as metadataHandlers from "../metadata-handlers.js";
import type { ServiceDeps } from "../service-deps.js";
import * as sessionHandlers from "../session-handlers.js";
import type { CompatConnections } from "./compat-connections.js";
import { pickDatabase } from "./connect-target.js";
import { columnToLegacy, paramToValue, rowToLegacy } from "./legacy-values.js";

export interface CompatDeps extends ServiceDeps {
  connections: CompatConnections;
  compat: Pick<CompatConfig, "databases" | "unmatched">;
}

/** The Java proxy's default fetch size. */
const DEFAULT_FETCH_SIZE = 100;
/** JDBC's Statement.EXECUTE_FAILED, which the Java proxy's batch reported for a failed statement. */
const EXECUTE_FAILED = -3;

function unknownConnection(): ApiError {
  return new ApiError(status.NOT_FOUND, "unknown connection_id (never opened, disconnected or expired)", {
    reason: "SESSION_NOT_FOUND",
  });
}

/** Later calls act as the identity that ran Connect (see compat-connections.ts). */
function bind(deps: CompatDeps, ctx: CallContext, connectionId: string): string {
  if (connectionId === "") throw invalidArgument("connection_id", "connection_id is required: call Connect first");
  const owner = deps.connections.ownerOf(connectionId);
  if (!owner) throw unknownConnection();
  ctx.identity = owner;
  ctx.logFields.sessionId = connectionId;
  return connectionId;
}

function isOpen(deps: CompatDeps, connectionId: string): boolean {
  const owner = deps.connections.ownerOf(connectionId);
  if (!owner) return false;
  try {
    deps.sessions.get(connectionId, owner.id);
    return true;
  } catch {
    return false;
  }
}

export async function connect(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.ConnectionRequest,
): Promise<legacy.ConnectionResponse> {
  deps.connections.prune((id) => isOpen(deps, id));
  const picked = pickDatabase(deps.databases, request, deps.compat);
  if (!picked) {
    // The client's own host and port are not repeated: the answer says what to send instead.
    throw new ApiError(
      status.NOT_FOUND,
      `database "${request.database}" is not configured in this proxy: Connect picks a configured database by its name (or a compat.databases alias), or by its database name, host and port`,
      { reason: "DATABASE_NOT_FOUND" },
    );
  }
  ctx.logFields.compatMatchedBy = picked.matchedBy;
  const opened = await sessionHandlers.openSession(deps, ctx, { database: picked.database.name });
  deps.connections.remember(opened.sessionId, ctx.identity);
  return { connectionId: opened.sessionId, serverVersion: opened.serverVersion, success: true, error: "" };
}

export async function disconnect(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.DisconnectRequest,
): Promise<legacy.DisconnectResponse> {
  // As with the Java proxy, disconnecting an id that is gone (closed, expired, never opened) succeeds.
  if (request.connectionId === "" || !deps.connections.ownerOf(request.connectionId)) return { success: true };
  const sessionId = bind(deps, ctx, request.connectionId);
  deps.connections.forget(sessionId);
  await sessionHandlers.closeSession(deps, ctx, { sessionId });
  return { success: true };
}

export async function ping(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.PingRequest,
): Promise<legacy.PingResponse> {
  const sessionId = bind(deps, ctx, request.connectionId);
  const session = deps.sessions.get(sessionId, ctx.identity.id);
  const answer = await metadataHandlers.ping(deps, ctx, { database: session.database.name });
  return { alive: true, latencyMs: answer.latencyMicros / 1000n };
}

export type LegacyWrite = (message: legacy.QueryResponse) => Promise<void>;

/**
 * Streams a statement's rows as the Java proxy did: a message each time fetch_size rows have gathered
 * (has_more = true), then a last message with the rest, possibly none (has_more = false); columns on the first
 * message only; total_rows the running count on every message.
 */
async function streamRows(
  deps: CompatDeps,
  ctx: CallContext,
  statement: { sessionId: string; sql: string; statementId: string; parameters: legacy.Parameter[] },
  fetchSize: number,
  maxRows: number,
  write: LegacyWrite,
): Promise<void> {
  const size = Math.min(fetchSize > 0 ? fetchSize : DEFAULT_FETCH_SIZE, deps.limits.maxFetchSize);
  const params = statement.parameters.map(paramToValue);
  const request = {
    database: "",
    sessionId: statement.sessionId,
    sql: statement.sql,
    statementId: statement.statementId,
    params,
  };
  let columns: Column[] = [];
  let sentColumns = false;
  let batch: Row[] = [];
  let total = 0;
  const emit = async (hasMore: boolean) => {
    const rows = batch;
    batch = [];
    await write({
      rows: rows.map((row) => rowToLegacy(row.values, columns)),
      columns: sentColumns ? [] : columns.map(columnToLegacy),
      hasMore,
      totalRows: total,
      error: "",
    });
    sentColumns = true;
  };
  const add = async (rows: Row[]) => {
    for (const row of rows) {
      batch.push(row);
      total++;
      if (batch.length >= size) await emit(true);
    }
  };
  if (maxRows > 0) {
    // A row limit: one Execute capped at max_rows, handed out in fetch_size pieces.
    const result = await executeHandlers.execute(deps, ctx, { ...request, maxRows, timeoutMs: 0 });
    columns = result.columns;
    await add(result.rows);
    await emit(false);
    return;
  }
  await executeHandlers.executeStream(deps, ctx, { ...request, fetchSize: size, timeoutMs: 0 }, async (message) => {
    const decoded: ExecuteStreamResponse = Buffer.isBuffer(message)
      ? ExecuteStreamResponseCodec.decode(message)
      : (message as ExecuteStreamResponse);
    const payload = decoded.payload;
    if (payload?.$case === "header") columns = payload.value.columns;
    else if (payload?.$case === "batch") await add(payload.value.rows);
    else if (payload?.$case === "summary") await emit(false);
  });
}

export async function executeQuery(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.QueryRequest,
  write: LegacyWrite,
): Promise<void> {
  const sessionId = bind(deps, ctx, request.connectionId);
  await streamRows(
    deps,
    ctx,
    { sessionId, sql: request.sql, statementId: "", parameters: request.parameters },
    request.fetchSize,
    Math.max(0, request.maxRows),
    write,
  );
}

export async function executePrepared(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.ExecutePreparedRequest,
  write: LegacyWrite,
): Promise<void> {
  const sessionId = bind(deps, ctx, request.connectionId);
  if (request.statementId === "") throw invalidArgument("statement_id", "statement_id is required");
  await streamRows(
    deps,
    ctx,
    { sessionId, sql: "", statementId: request.statementId, parameters: request.parameters },
    request.fetchSize,
    0,
    write,
  );
}

export async function executeUpdate(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.UpdateRequest,
): Promise<legacy.UpdateResponse> {
  const sessionId = bind(deps, ctx, request.connectionId);
  const result = await executeHandlers.execute(deps, ctx, {
    database: "",
    sessionId,
    sql: request.sql,
    statementId: "",
    params: request.parameters.map(paramToValue),
    maxRows: 1,
    timeoutMs: 0,
  });
  return { rowsAffected: Number(result.rowsAffected), error: "" };
}

export async function executeBatch(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.BatchRequest,
): Promise<legacy.BatchResponse> {
  const sessionId = bind(deps, ctx, request.connectionId);
  const result = await executeHandlers.executeBatch(deps, ctx, {
    database: "",
    sessionId,
    statements: request.sqlStatements.map((sql) => ({ sql, params: [] })),
    sql: "",
    parameterSets: [],
    atomic: false,
    timeoutMs: 0,
  });
  const failures = result.results.flatMap((r, i) => (r.error ? [`statement ${i}: ${r.error.message}`] : []));
  return {
    rowsAffected: result.results.map((r) => (r.error ? EXECUTE_FAILED : Number(r.rowsAffected))),
    error: failures.join("; "),
  };
}

export async function prepareStatement(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.PrepareRequest,
): Promise<legacy.PrepareResponse> {
  const sessionId = bind(deps, ctx, request.connectionId);
  const prepared = await sessionHandlers.prepare(deps, ctx, { sessionId, sql: request.sql });
  return { statementId: prepared.statementId, parameterCount: prepared.parameterCount, error: "" };
}

export async function closePrepared(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.ClosePreparedRequest,
): Promise<legacy.ClosePreparedResponse> {
  const sessionId = bind(deps, ctx, request.connectionId);
  await sessionHandlers.closePrepared(deps, ctx, { sessionId, statementId: request.statementId });
  return { success: true };
}

const ISOLATION_NAMES: Record<string, IsolationLevel> = {
  "": IsolationLevel.ISOLATION_LEVEL_UNSPECIFIED,
  READ_UNCOMMITTED: IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED,
  READ_COMMITTED: IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED,
  REPEATABLE_READ: IsolationLevel.ISOLATION_LEVEL_REPEATABLE_READ,
  SERIALIZABLE: IsolationLevel.ISOLATION_LEVEL_SERIALIZABLE,
};

export async function beginTransaction(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.TransactionRequest,
): Promise<legacy.TransactionResponse> {
  const sessionId = bind(deps, ctx, request.connectionId);
  const name = request.isolationLevel
    .trim()
    .toUpperCase()
    .replace(/^TRANSACTION_/, "");
  // The Java proxy ignored a name it did not know and kept the connection's level: so does this.
  const isolation = ISOLATION_NAMES[name] ?? IsolationLevel.ISOLATION_LEVEL_UNSPECIFIED;
  await sessionHandlers.beginTransaction(deps, ctx, { sessionId, isolation, readOnly: false });
  return { success: true, error: "" };
}

export async function commit(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.CommitRequest,
): Promise<legacy.CommitResponse> {
  await sessionHandlers.commit(deps, ctx, { sessionId: bind(deps, ctx, request.connectionId) });
  return { success: true, error: "" };
}

export async function rollback(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.RollbackRequest,
): Promise<legacy.RollbackResponse> {
  await sessionHandlers.rollback(deps, ctx, { sessionId: bind(deps, ctx, request.connectionId) });
  return { success: true, error: "" };
}

/**
 * As the Java proxy answered: without table_name the base tables (type "TABLE"); with it, that one table and
 * its columns, or no table at all when it does not exist.
 */
export async function getMetadata(
  deps: CompatDeps,
  ctx: CallContext,
  request: legacy.MetadataRequest,
): Promise<legacy.MetadataResponse> {
  const sessionId = bind(deps, ctx, request.connectionId);
  const database = deps.sessions.get(sessionId, ctx.identity.id).database.name;
  if (request.tableName === "") {
    const listed = await metadataHandlers.listTables(deps, ctx, {
      database,
      schema: "",
      namePattern: "",
      includeViews: false,
    });
    const tables = listed.tables
      .filter((t) => t.kind !== TableKind.TABLE_KIND_VIEW)
      .map((t) => ({ name: t.name, schema: t.schema, type: "TABLE", columns: [] }));
    return { tables, error: "" };
  }
  try {
    const described = await metadataHandlers.describeTable(deps, ctx, {
      database,
      schema: "",
      table: request.tableName,
    });
    const columns = described.columns.map(columnToLegacy);
    return { tables: [{ name: request.tableName, schema: "", type: "TABLE", columns }], error: "" };
  } catch (error) {
    if (toApiError(error, database).code === status.NOT_FOUND) return { tables: [], error: "" };
    throw error;
  }
}
