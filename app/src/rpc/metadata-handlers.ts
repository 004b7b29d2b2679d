// ListTables, DescribeTable, Ping.

import { invalidArgument } from "../core/api-error.js";
import type { CallContext } from "../core/call-context.js";
import type { TableInfo } from "../db/driver.js";
import {
  type DescribeTableRequest,
  type DescribeTableResponse,
  type ListTablesRequest,
  type ListTablesResponse,
  type PingRequest,
  type PingResponse,
  TableKind,
} from "../gen/informix/proxy/v1/sql_service.js";
import { withTarget } from "./connection-target.js";
import type { ServiceDeps } from "./service-deps.js";
import { statementSignal } from "./statement-input.js";
import { columnToProto } from "./value-codec.js";

function tableToProto(table: TableInfo) {
  return {
    schema: table.schema,
    name: table.name,
    kind: table.kind === "view" ? TableKind.TABLE_KIND_VIEW : TableKind.TABLE_KIND_TABLE,
  };
}

export async function listTables(
  deps: ServiceDeps,
  ctx: CallContext,
  request: ListTablesRequest,
): Promise<ListTablesResponse> {
  return withTarget(deps, ctx, { database: request.database, sessionId: "" }, async ({ connection }) => {
    const tables = await connection.listTables({
      ...(request.schema ? { schema: request.schema } : {}),
      ...(request.namePattern ? { namePattern: request.namePattern } : {}),
      includeViews: request.includeViews,
    });
    return { tables: tables.map(tableToProto) };
  });
}

export async function describeTable(
  deps: ServiceDeps,
  ctx: CallContext,
  request: DescribeTableRequest,
): Promise<DescribeTableResponse> {
  if (request.table.trim() === "") throw invalidArgument("table", "table is required");
  return withTarget(deps, ctx, { database: request.database, sessionId: "" }, async ({ connection }) => {
    const description = await connection.describeTable(request.schema || undefined, request.table);
    return {
      table: tableToProto(description.table),
      columns: description.columns.map(columnToProto),
      primaryKey: description.primaryKey,
      indexes: description.indexes,
    };
  });
}

export async function ping(deps: ServiceDeps, ctx: CallContext, request: PingRequest): Promise<PingResponse> {
  return withTarget(deps, ctx, { database: request.database, sessionId: "" }, async ({ connection, database }) => {
    const started = process.hrtime.bigint();
    await connection.validate(statementSignal(ctx.signal, deps.limits.statementTimeoutMs));
    const latencyMicros = (process.hrtime.bigint() - started) / 1000n;
    return { latencyMicros, serverVersion: await connection.serverVersion(), database: database.name };
  });
}
