// Validates what a request says about its statement: SQL or statement_id (exactly one), the parameters,
// their count, and the effective timeout. The SQL text is parsed here, once, with the target database's
// dialect; the same ParsedStatement then serves the guard, the audit trail and the driver.
import { status } from "@grpc/grpc-js";
import type { LimitsConfig } from "../config/schema.js";
import { ApiError, invalidArgument, statementNotFound } from "../core/api-error.js";
import type { ParsedStatement } from "../core/parsed-statement.js";
import type { DriverName, PreparedStatement, StatementRef } from "../db/driver.js";
import type { SqlValue } from "../db/values.js";
import type { Value } from "../gen/informix/proxy/v1/values.js";
import { ambiguousStatement } from "../policy/policy-errors.js";
import type { Session } from "../sessions/session.js";
import { dialectFor } from "../sql/dialects.js";
import { InformixSqlRefused } from "../sql/informix/refusal.js";
import { SqlSyntaxError } from "../sql/tokenizer.js";
import { paramsFromProto } from "./value-codec.js";

export interface StatementInput {
  ref: StatementRef;
  params: SqlValue[];
  /** The statement that runs (a prepared statement's own), parsed once. */
  statement: ParsedStatement;
}

/** Where the statement runs: its database's driver names the dialect. */
export interface InputTarget {
  session: Session | undefined;
  database: { name: string; driver: DriverName };
}

export function statementInput(
  request: { sql: string; statementId: string; params: Value[] },
  target: InputTarget,
  limits: LimitsConfig,
  field = "",
): StatementInput {
  const { session } = target;
  const prefix = field === "" ? "" : `${field}.`;
  const hasSql = request.sql.trim() !== "";
  const hasId = request.statementId !== "";
  if (hasSql && hasId) throw invalidArgument(`${prefix}sql`, "set either sql or statement_id, not both");
  if (!hasSql && !hasId) {
    throw invalidArgument(`${prefix}sql`, request.sql === "" ? "sql is empty (or set statement_id)" : "sql is blank");
  }
  if (request.params.length > limits.maxParams) {
    throw invalidArgument(`${prefix}params`, `at most ${limits.maxParams} parameters are allowed`);
  }
  const params = paramsFromProto(request.params, `${prefix}params`);
  let ref: StatementRef;
  let expected: number;
  let statement: ParsedStatement;
  if (hasId) {
    if (!session)
      throw invalidArgument(`${prefix}statement_id`, "a prepared statement needs the session_id that prepared it");
    const prepared: PreparedStatement | undefined = session.prepared.get(request.statementId);
    if (!prepared) throw statementNotFound();
    ref = { prepared };
    expected = prepared.parameterCount;
    statement = prepared.parsed ?? parseStatement(target.database, prepared.sql, `${prefix}statement_id`);
  } else {
    checkSqlSize(request.sql, limits, `${prefix}sql`);
    statement = parseStatement(target.database, request.sql, `${prefix}sql`);
    ref = { sql: request.sql, parsed: statement };
    expected = statement.placeholderCount;
  }
  if (params.length !== expected) {
    throw invalidArgument(
      `${prefix}params`,
      `the statement has ${expected} placeholder${expected === 1 ? "" : "s"} but ${params.length} parameter${params.length === 1 ? " was" : "s were"} given`,
    );
  }
  return { ref, params, statement };
}

/** Refuses a text longer than limits.maxSqlBytes before anyone parses it. */
export function checkSqlSize(sql: string, limits: Pick<LimitsConfig, "maxSqlBytes">, field: string): void {
  // UTF-8 is at most three bytes per UTF-16 unit: most texts are decided without counting.
  if (sql.length * 3 <= limits.maxSqlBytes) return;
  if (Buffer.byteLength(sql, "utf8") > limits.maxSqlBytes) {
    throw invalidArgument(field, `the SQL text is longer than ${limits.maxSqlBytes} bytes (limits.maxSqlBytes)`);
  }
}

/**
 * The one parse of a statement text. A text the dialect rejects is INVALID_ARGUMENT on `field`, reason
 * INVALID_STATEMENT as if the database had said it (PostgreSQL's parser is the database's: sqlstate 42601).
 */
export function parseStatement(
  database: { name: string; driver: DriverName; config?: object },
  sql: string,
  field: string,
): ParsedStatement {
  try {
    // Informix reads "..." by the server's DELIMIDENT setting (databases.<name>.delimident).
    const delimident = (database.config as { delimident?: unknown } | undefined)?.delimident === true;
    return dialectFor(database.driver, { delimident }).parse(sql);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    // Valid under one of the readings IBM documents and not under another: the proxy refuses to pick one.
    if (error instanceof InformixSqlRefused && error.verdict === "ambiguous") {
      throw ambiguousStatement(database.name, error.rule, error.message);
    }
    const metadata: Record<string, string> = { database: database.name };
    if (database.driver === "postgres") metadata.sqlstate = "42601";
    throw new ApiError(status.INVALID_ARGUMENT, `${field}: ${error.message}`, {
      reason: "INVALID_STATEMENT",
      metadata,
      fieldViolations: [{ field, description: error.message }],
    });
  }
}

/** The statement timeout: the request's, else the default, never above the maximum. 0 = none. */
export function effectiveTimeoutMs(requested: number, limits: LimitsConfig): number {
  const wanted = requested > 0 ? requested : limits.statementTimeoutMs;
  if (limits.maxStatementTimeoutMs > 0 && (wanted === 0 || wanted > limits.maxStatementTimeoutMs)) {
    return limits.maxStatementTimeoutMs;
  }
  return wanted;
}

/** The call's signal, plus the statement timeout. */
export function statementSignal(callSignal: AbortSignal, timeoutMs: number): AbortSignal {
  return timeoutMs > 0 ? AbortSignal.any([callSignal, AbortSignal.timeout(timeoutMs)]) : callSignal;
}
