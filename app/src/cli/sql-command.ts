// `sql STATEMENT`: sends one statement to a running proxy and prints the result as a table, CSV or JSON lines.

import { formatRows, type OutputFormat } from "./output-format.js";
import type { ProxyConnection } from "./proxy-connection.js";
import { describeError, runStatement, summaryLine } from "./statement-runner.js";

export interface SqlCommandOptions {
  database: string;
  params: string[];
  format: OutputFormat;
  timeoutMs: number;
}

export async function runSqlCommand(
  conn: ProxyConnection,
  sql: string,
  options: SqlCommandOptions,
  out: (text: string) => void,
  err: (text: string) => void = out,
): Promise<number> {
  try {
    const result = await runStatement(conn, sql, {
      database: options.database,
      params: options.params.map((p) => ({ kind: { $case: "stringValue", value: p } })),
      timeoutMs: options.timeoutMs,
    });
    if (result.columns.length > 0)
      for (const line of formatRows(options.format, result.columns, result.rows)) out(line);
    // The summary is for people; CSV and JSON stay machine-readable.
    if (options.format === "table") out(summaryLine(result));
    return 0;
  } catch (error) {
    err(describeError(error));
    return 1;
  }
}
