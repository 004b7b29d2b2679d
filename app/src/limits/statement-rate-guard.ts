// Per-class statement rates as a decorator of the statement guard: every statement already passes the guard
// with its one parse and its class, so the rate check needs no hook of its own in the RPC handlers. The policy
// decides first (a refused statement uses no rate), and a refusal by rate is audited like any other refusal.
import type { StatementGuard } from "../policy/statement-guard.js";
import type { Admission } from "./admission.js";

export function withStatementRates(guard: StatementGuard, admission: Admission): StatementGuard {
  if (!admission.limitsStatements) return guard;
  return {
    async checkStatement(check) {
      const decision = await guard.checkStatement(check);
      await admission.admitStatement(check.identity.id, decision.statementClass);
      return decision;
    },
    checkSession: (identity, database, openSessions) => guard.checkSession(identity, database, openSessions),
  };
}
