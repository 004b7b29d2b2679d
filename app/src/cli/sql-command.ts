// `sql`: sends one statement to a running proxy and prints the result as a table (or JSON lines).
import { credentials, type ServiceError } from "@grpc/grpc-js";
import { type ExecuteStreamResponse, SqlServiceClient } from "../gen/informix/proxy/v1/sql_service.js";
import type { Column, Value } from "../gen/informix/proxy/v1/values.js";
import { decodeStatusDetails } from "../transport/status-details.js";
import { formatTable, formatValue } from "./table-format.js";

export interface SqlCommandOptions {
  address: string;
  database: string;
  params: string[];
  json: boolean;
  timeoutMs: number;
}

export async function runSqlCommand(
  sql: string,
  options: SqlCommandOptions,
  out: (text: string) => void,
): Promise<number> {
  const client = new SqlServiceClient(options.address, credentials.createInsecure());
  const columns: Column[] = [];
  const rows: Value[][] = [];
  let rowsAffected = 0n;
  let elapsedMicros = 0n;
  try {
    await new Promise<void>((resolve, reject) => {
      const call = client.executeStream(
        {
          database: options.database,
          sessionId: "",
          sql,
          statementId: "",
          params: options.params.map((p) => ({ kind: { $case: "stringValue", value: p } })),
          fetchSize: 0,
          timeoutMs: 0,
        },
        { deadline: Date.now() + options.timeoutMs },
      );
      call.on("data", (message: ExecuteStreamResponse) => {
        const payload = message.payload;
        if (payload?.$case === "header") columns.push(...payload.value.columns);
        else if (payload?.$case === "batch") for (const row of payload.value.rows) rows.push(row.values);
        else if (payload?.$case === "summary") {
          rowsAffected = payload.value.rowsAffected;
          elapsedMicros = payload.value.elapsedMicros;
        }
      });
      call.on("error", reject);
      call.on("end", resolve);
    });
  } catch (error) {
    const serviceError = error as ServiceError;
    const details = decodeStatusDetails(serviceError.metadata);
    const reason = details.errorInfo ? ` [${details.errorInfo.reason}]` : "";
    out(`error: ${serviceError.details || serviceError.message}${reason}`);
    return 1;
  } finally {
    client.close();
  }
  if (options.json) {
    for (const row of rows) {
      out(JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, jsonValue(row[i])]))));
    }
    return 0;
  }
  if (columns.length > 0) {
    out(formatTable(columns, rows));
    out(`(${rows.length} row${rows.length === 1 ? "" : "s"}, ${formatMs(elapsedMicros)})`);
  } else {
    out(`OK, ${rowsAffected} row${rowsAffected === 1n ? "" : "s"} affected (${formatMs(elapsedMicros)})`);
  }
  return 0;
}

function jsonValue(value: Value | undefined): unknown {
  if (!value?.kind || value.kind.$case === "null") return null;
  if (value.kind.$case === "boolValue" || value.kind.$case === "doubleValue") return value.kind.value;
  return formatValue(value);
}

function formatMs(micros: bigint): string {
  return `${(Number(micros) / 1000).toFixed(1)} ms`;
}
