// The query policy applied to every caller, authenticated or not: DDL, several statements in one request,
// and statements that change the connection behind the proxy's back are refused unless configuration
// allows them. Works on the classifier's result, so comments and literals cannot hide a keyword.
import type { PolicyConfig } from "../config/security-schema.js";
import type { StatementClassification } from "../sql/classifier.js";
import { REASON } from "./policy-errors.js";

/** A classified statement, and whether it runs SQL built at run time (DO, EXECUTE IMMEDIATE). */
export interface PolicyStatement extends StatementClassification {
  dynamicSql: boolean;
}

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

function statementRefusal(statement: PolicyStatement, policy: PolicySwitches): PolicyRefusal | undefined {
  // firstKeyword is a keyword from the classifier's fixed sets for these classes, never client data.
  const keyword = statement.firstKeyword;
  if (statement.dynamicSql && !policy.allowDdl) {
    return {
      reason: REASON.ddlDenied,
      message: `${keyword === "DO" ? "anonymous code (DO)" : "EXECUTE IMMEDIATE"} can run any statement, DDL included, and is refused; policy.allowDdl allows it`,
      statementClass: statement.statementClass,
    };
  }
  switch (statement.statementClass) {
    case "ddl":
      if (policy.allowDdl) return undefined;
      return {
        reason: REASON.ddlDenied,
        message: `DDL (${keyword}) is refused; policy.allowDdl allows it`,
        statementClass: "ddl",
      };
    case "transaction":
      if (policy.allowSessionStatements) return undefined;
      return {
        reason: REASON.sessionStatement,
        message: `transaction control in SQL text (${keyword}) is refused: use BeginTransaction, Commit and Rollback; policy.allowSessionStatements allows it`,
        statementClass: "transaction",
      };
    case "session":
      if (policy.allowSessionStatements) return undefined;
      return {
        reason: REASON.sessionStatement,
        message: `${keyword} changes the connection the proxy manages and is refused; policy.allowSessionStatements allows it`,
        statementClass: "session",
      };
    default:
      return undefined;
  }
}
