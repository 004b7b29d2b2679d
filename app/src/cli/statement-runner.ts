// One statement through ExecuteStream (rows collected for printing), the metadata calls, and errors as one
// readable line with their reason: what both `sql STATEMENT` and the interactive mode use.
import type { Metadata, ServiceError } from "@grpc/grpc-js";
import type { ExecuteStreamResponse } from "../gen/informix/proxy/v1/sql_service.js";
import type { Column, Value } from "../gen/informix/proxy/v1/values.js";
import { decodeStatusDetails } from "../transport/status-details.js";
import type { ProxyConnection } from "./proxy-connection.js";

export interface StatementResult {
  columns: Column[];
  rows: Value[][];
  rowsAffected: bigint;
  elapsedMicros: bigint;
}

export interface StatementOptions {
  database: string;
  sessionId?: string;
  params: Value[];
  timeoutMs: number;
}

export function runStatement(conn: ProxyConnection, sql: string, options: StatementOptions): Promise<StatementResult> {
  const result: StatementResult = { columns: [], rows: [], rowsAffected: 0n, elapsedMicros: 0n };
  return new Promise((resolve, reject) => {
    const call = conn.client.executeStream(
      {
        database: options.sessionId ? "" : options.database,
        sessionId: options.sessionId ?? "",
        sql,
        statementId: "",
        params: options.params,
        fetchSize: 0,
        timeoutMs: 0,
      },
      conn.metadata(),
      { deadline: Date.now() + options.timeoutMs },
    );
    call.on("data", (message: ExecuteStreamResponse) => {
      const payload = message.payload;
      if (payload?.$case === "header") result.columns.push(...payload.value.columns);
      else if (payload?.$case === "batch") for (const row of payload.value.rows) result.rows.push(row.values);
      else if (payload?.$case === "summary") {
        result.rowsAffected = payload.value.rowsAffected;
        result.elapsedMicros = payload.value.elapsedMicros;
      }
    });
    call.on("error", reject);
    call.on("end", () => resolve(result));
  });
}

type UnaryFn<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** A unary SqlService call with the connection's credentials and a deadline. */
export function unaryCall<Req, Res>(
  conn: ProxyConnection,
  method:
    | "listTables"
    | "describeTable"
    | "openSession"
    | "closeSession"
    | "beginTransaction"
    | "commit"
    | "rollback"
    | "ping",
  request: Req,
  timeoutMs: number,
): Promise<Res> {
  const fn = (conn.client[method] as unknown as UnaryFn<Req, Res>).bind(conn.client);
  return new Promise((resolve, reject) =>
    fn(request, conn.metadata(), { deadline: Date.now() + timeoutMs }, (error, response) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

/** "error: <message> [REASON] (sqlstate 23505)". */
export function describeError(error: unknown): string {
  const serviceError = error as Partial<ServiceError>;
  if (typeof serviceError?.code !== "number") return `error: ${error instanceof Error ? error.message : String(error)}`;
  const info = decodeStatusDetails(serviceError.metadata).errorInfo;
  const reason = info?.reason ? ` [${info.reason}]` : "";
  const sqlstate = info?.metadata.sqlstate ? ` (sqlstate ${info.metadata.sqlstate})` : "";
  return `error: ${serviceError.details || serviceError.message}${reason}${sqlstate}`;
}

export function formatMs(micros: bigint): string {
  return `${(Number(micros) / 1000).toFixed(1)} ms`;
}

export function summaryLine(result: StatementResult): string {
  if (result.columns.length > 0) {
    return `(${result.rows.length} row${result.rows.length === 1 ? "" : "s"}, ${formatMs(result.elapsedMicros)})`;
  }
  return `OK, ${result.rowsAffected} row${result.rowsAffected === 1n ? "" : "s"} affected (${formatMs(result.elapsedMicros)})`;
}
