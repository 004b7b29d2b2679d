// Runs one statement under the guard and the audit trail: the guard may refuse it, and every statement leaves
// one audit record with its outcome, refused ones included (never its parameters).

import { type StatementOutcome, statementAuditRecord } from "../audit/statement-audit-record.js";
import type { CallContext } from "../core/call-context.js";
import { seenByClient } from "../core/call-outcome.js";
import type { ParsedStatement } from "../core/parsed-statement.js";
import { codeName, StatusCode } from "../core/status-codes.js";
import { dbSystemName, inSpan, SpanKind } from "../observability/spans.js";
import type { StatementDecision } from "../policy/statement-guard.js";
import type { Target } from "./connection-target.js";
import { toApiError } from "./db-error-mapping.js";
import type { ServiceDeps } from "./service-deps.js";

export async function guardStatement(
  deps: ServiceDeps,
  ctx: CallContext,
  target: Target,
  statement: ParsedStatement,
): Promise<StatementDecision> {
  try {
    return await deps.guard.checkStatement({
      identity: ctx.identity,
      database: target.database.name,
      sql: statement.sql,
      statement,
      rpc: ctx.method,
      inTransaction: target.connection.inTransaction,
    });
  } catch (error) {
    // A refusal is part of the trail: who tried what shape of statement where (the fingerprint holds no literal).
    const { statementClass, fingerprint, fingerprintId } = statement;
    recordAudit(
      deps,
      ctx,
      target,
      { statementClass, fingerprint, fingerprintId },
      { rows: 0, durationMs: 0, status: statusOf(error, ctx, target) },
    );
    throw error;
  }
}

export async function runAudited<T>(
  deps: ServiceDeps,
  ctx: CallContext,
  target: Target,
  decision: StatementDecision,
  run: () => Promise<{ value: T; rows: number }>,
): Promise<T> {
  const started = process.hrtime.bigint();
  let status = "OK";
  let rows = 0;
  try {
    const outcome = await statementSpan(target, decision, run);
    rows = outcome.rows;
    status = codeName(seenByClient(ctx, StatusCode.OK));
    return outcome.value;
  } catch (error) {
    status = statusOf(error, ctx, target);
    throw error;
  } finally {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics.statementSeconds.observe({ database: target.database.name, kind: decision.statementClass }, seconds);
    recordAudit(deps, ctx, target, decision, { rows, durationMs: Math.round(seconds * 1e6) / 1e3, status });
  }
}

/** The statement's span: its shape (the fingerprint, never a literal or a parameter value), database and rows. */
function statementSpan<T>(
  target: Target,
  decision: StatementDecision,
  run: () => Promise<{ value: T; rows: number }>,
): Promise<{ value: T; rows: number }> {
  const database = target.database.name;
  // The fingerprint's first word is the statement's kind keyword (SELECT, INSERT, ...), never client data.
  const operation = (decision.fingerprint.match(/^\s*([A-Za-z]+)/)?.[1] ?? decision.statementClass).toUpperCase();
  const system = dbSystemName(target.database.driver);
  return inSpan(
    `${operation} ${database}`,
    {
      "db.system": system,
      "db.system.name": system,
      "db.namespace": database,
      "db.operation.name": operation,
      "db.query.text": decision.fingerprint,
      "proxy.statement.class": decision.statementClass,
      "proxy.statement.fingerprint_id": decision.fingerprintId,
      ...(target.session ? { "proxy.session.id": target.session.id } : {}),
    },
    async (span) => {
      const outcome = await run();
      span.setAttribute("db.response.returned_rows", outcome.rows);
      return outcome;
    },
    { kind: SpanKind.CLIENT, errorType: (error) => toApiError(error, database).reason },
  );
}

function statusOf(error: unknown, ctx: CallContext, target: Target): string {
  return codeName(seenByClient(ctx, toApiError(error, target.database.name).code));
}

function recordAudit(
  deps: ServiceDeps,
  ctx: CallContext,
  target: Target,
  statement: Pick<StatementDecision, "statementClass" | "fingerprint" | "fingerprintId">,
  outcome: StatementOutcome,
): void {
  deps.audit.record(
    statementAuditRecord(ctx, { database: target.database.name, sessionId: target.session?.id }, statement, outcome),
  );
}
