// The query policy applied to every caller, authenticated or not: DDL, several statements in one request,
// and statements that change the connection behind the proxy's back are refused unless configuration
// allows them. Works on the dialect's classification (every class a statement needs, not only its main one),
// so comments and literals cannot hide a keyword and a DDL effect deep in the tree still counts.

import type { PolicyConfig } from "../config/security-schema.js";
import type { ClassifiedStatement } from "../core/parsed-statement.js";
import { REASON } from "./policy-errors.js";

/** A classified statement, and whether it runs SQL built at run time (DO, EXECUTE IMMEDIATE). */
export type PolicyStatement = Pick<
  ClassifiedStatement,
  "statementClass" | "classes" | "effects" | "firstKeyword" | "dynamicSql"
>;

export interface PolicyRefusal {
  reason: string;
  message: string;
  /** Class of the statement that was refused. */
  statementClass: string;
}

type PolicySwitches = Pick<PolicyConfig, "allowDdl" | "allowMultipleStatements" | "allowSessionStatements">;

export function policyRefusal(
  statements: readonly PolicyStatement[],
  policy: PolicySwitches,
  summaryClass: string,
): PolicyRefusal | undefined {
  if (statements.length > 1 && !policy.allowMultipleStatements) {
    return {
      reason: REASON.multipleStatements,
      message: `${statements.length} statements in one request are refused: send one statement per request (or use ExecuteBatch); policy.allowMultipleStatements allows it`,
      statementClass: summaryClass,
    };
  }
  for (const statement of statements) {
    const refusal = statementRefusal(statement, policy);
    if (refusal) return refusal;
  }
  return undefined;
}

/** The cause the dialect gave for a class (its fixed vocabulary, never client text), or the keyword. */
function causeOf(statement: PolicyStatement, statementClass: string): string {
  return statement.effects.find((e) => e.statementClass === statementClass)?.cause ?? statement.firstKeyword;
}

function statementRefusal(statement: PolicyStatement, policy: PolicySwitches): PolicyRefusal | undefined {
  // Causes come from the dialect's fixed vocabulary, never from client data.
  if (statement.dynamicSql && !policy.allowDdl) {
    return {
      reason: REASON.ddlDenied,
      message: `${causeOf(statement, statement.statementClass)} can run any statement, DDL included, and is refused; policy.allowDdl allows it`,
      statementClass: statement.statementClass,
    };
  }
  if (statement.classes.includes("ddl") && !policy.allowDdl) {
    return {
      reason: REASON.ddlDenied,
      message: `DDL (${causeOf(statement, "ddl")}) is refused; policy.allowDdl allows it`,
      statementClass: "ddl",
    };
  }
  if (statement.classes.includes("transaction") && !policy.allowSessionStatements) {
    return {
      reason: REASON.sessionStatement,
      message: `transaction control in SQL text (${causeOf(statement, "transaction")}) is refused: use BeginTransaction, Commit and Rollback; policy.allowSessionStatements allows it`,
      statementClass: "transaction",
    };
  }
  if (statement.classes.includes("session") && !policy.allowSessionStatements) {
    return {
      reason: REASON.sessionStatement,
      message: `${causeOf(statement, "session")} changes the connection the proxy manages and is refused; policy.allowSessionStatements allows it`,
      statementClass: "session",
    };
  }
  return undefined;
}
