// Runs one statement under the guard and the audit trail: the guard may refuse it, and every statement leaves
// one audit record with its outcome, refused ones included (never its parameters).

import { status as grpcStatus } from "@grpc/grpc-js";
import type { StatementDecision } from "../security/statement-guard.js";
import type { CallContext } from "../server/call-context.js";
import { seenByClient } from "../server/call-outcome.js";
import { codeName } from "../server/interceptors/observe.js";
import { classify } from "../sql/classifier.js";
import { fingerprint, idOfFingerprint } from "../sql/fingerprint.js";
import type { Target } from "./connection-target.js";
import { toApiError } from "./db-error-mapping.js";
import type { ServiceDeps } from "./service-deps.js";

export async function guardStatement(
  deps: ServiceDeps,
  ctx: CallContext,
  target: Target,
  sql: string,
): Promise<StatementDecision> {
  try {
    return await deps.guard.checkStatement({
      identity: ctx.identity,
      database: target.database.name,
      sql,
      rpc: ctx.method,
      inTransaction: target.connection.inTransaction,
    });
  } catch (error) {
    // A refusal is part of the trail: who tried what shape of statement where. fingerprint() replaces literals
    // and never throws, even on unterminated text.
    const text = fingerprint(sql);
    const refused = { statementClass: classOf(sql), fingerprint: text, fingerprintId: idOfFingerprint(text) };
    recordAudit(deps, ctx, target, refused, { rows: 0, durationMs: 0, status: statusOf(error, ctx, target) });
    throw error;
  }
}

function classOf(sql: string): string {
  try {
    return classify(sql).statementClass;
  } catch {
    return "invalid";
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
    status = codeName(seenByClient(ctx, grpcStatus.OK));
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
  return codeName(seenByClient(ctx, toApiError(error, target.database.name).code));
}

function recordAudit(
  deps: ServiceDeps,
  ctx: CallContext,
  target: Target,
  statement: StatementDecision,
  outcome: { rows: number; durationMs: number; status: string },
): void {
  deps.audit.record({
    time: new Date().toISOString(),
    identity: ctx.identity.id,
    identityMethod: ctx.identity.method,
    sessionId: target.session?.id,
    database: target.database.name,
    rpc: ctx.method,
    statementClass: statement.statementClass,
    fingerprintId: statement.fingerprintId,
    fingerprint: statement.fingerprint,
    ...outcome,
  });
}
