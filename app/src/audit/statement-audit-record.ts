// Builds the audit record of one statement from the call, where it ran, what shape it had and how it ended.
// Only identities, names, the fingerprint and counts go in: never SQL text with literals, never parameters.
import type { CallContext } from "../core/call-context.js";
import type { AuditRecord } from "./audit-sink.js";

export type AuditedStatement = Pick<AuditRecord, "statementClass" | "fingerprintId" | "fingerprint">;
export type StatementOutcome = Pick<AuditRecord, "rows" | "durationMs" | "status">;

export function statementAuditRecord(
  ctx: Pick<CallContext, "identity" | "method">,
  where: { database: string; sessionId: string | undefined },
  statement: AuditedStatement,
  outcome: StatementOutcome,
): AuditRecord {
  return {
    time: new Date().toISOString(),
    identity: ctx.identity.id,
    identityMethod: ctx.identity.method,
    sessionId: where.sessionId,
    database: where.database,
    rpc: ctx.method,
    statementClass: statement.statementClass,
    fingerprintId: statement.fingerprintId,
    fingerprint: statement.fingerprint,
    ...outcome,
  };
}
