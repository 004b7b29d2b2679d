// Validates what a request says about its statement: SQL or statement_id (exactly one), the parameters,
// their count, and the effective timeout.
import type { LimitsConfig } from "../config/schema.js";
import { invalidArgument, statementNotFound } from "../core/api-error.js";
import type { PreparedStatement, StatementRef } from "../db/driver.js";
import type { SqlValue } from "../db/values.js";
import type { Value } from "../gen/informix/proxy/v1/values.js";
import type { Session } from "../sessions/session.js";
import { countPlaceholders } from "../sql/placeholders.js";
import { SqlSyntaxError } from "../sql/tokenizer.js";
import { paramsFromProto } from "./value-codec.js";

export interface StatementInput {
  ref: StatementRef;
  params: SqlValue[];
  /** The SQL text that runs (a prepared statement's own text), for the guard. */
  sql: string;
}

export function statementInput(
  request: { sql: string; statementId: string; params: Value[] },
  session: Session | undefined,
  limits: LimitsConfig,
  field = "",
): StatementInput {
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
  if (hasId) {
    if (!session)
      throw invalidArgument(`${prefix}statement_id`, "a prepared statement needs the session_id that prepared it");
    const prepared: PreparedStatement | undefined = session.prepared.get(request.statementId);
    if (!prepared) throw statementNotFound();
    ref = { prepared };
    expected = prepared.parameterCount;
  } else {
    ref = { sql: request.sql };
    expected = placeholderCount(request.sql, `${prefix}sql`);
  }
  if (params.length !== expected) {
    throw invalidArgument(
      `${prefix}params`,
      `the statement has ${expected} placeholder${expected === 1 ? "" : "s"} but ${params.length} parameter${params.length === 1 ? " was" : "s were"} given`,
    );
  }
  return { ref, params, sql: "prepared" in ref ? ref.prepared.sql : ref.sql };
}

export function placeholderCount(sql: string, field: string): number {
  try {
    return countPlaceholders(sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) throw invalidArgument(field, error.message);
    throw error;
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
