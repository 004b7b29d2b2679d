// Runs one statement under the guard and the audit trail: the guard may refuse it, and every statement leaves
// one audit record with its outcome, refused ones included (never its parameters).

import { type StatementOutcome, statementAuditRecord } from "../audit/statement-audit-record.js";
import type { CallContext } from "../core/call-context.js";
import type { ParsedStatement } from "../core/parsed-statement.js";
import { codeName } from "../core/status-codes.js";
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
    const outcome = await run();
    rows = outcome.rows;
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

function statusOf(error: unknown, ctx: CallContext, target: Target): string {
  return ctx.signal.aborted ? "Canceled" : codeName(toApiError(error, target.database.name).code);
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
