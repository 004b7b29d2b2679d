// The statement guard on tricky inputs: comments and literals that hide or fake keywords, case and spacing,
// several statements, session and transaction statements, and what each policy switch allows.
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { PolicyConfig } from "../../src/config/security-schema.js";
import { ApiError } from "../../src/core/api-error.js";
import type { Identity } from "../../src/core/identity.js";
import { createLogger } from "../../src/observability/logger.js";
import { Metrics } from "../../src/observability/metrics.js";
import { createStatementGuard } from "../../src/policy/policy-guard.js";
import { fingerprintId } from "../../src/sql/fingerprint.js";

const peer: Identity = { id: "peer:127.0.0.1:5000", method: "peer", roles: [] };

function guardWith(policy: Record<string, unknown> = {}, metrics?: Metrics) {
  return createStatementGuard({
    config: { auth: undefined, roles: {}, policy: PolicyConfig.parse(policy) },
    logger: createLogger("silent"),
    ...(metrics ? { metrics } : {}),
  });
}

const check = (guard: ReturnType<typeof guardWith>, sql: string, database = "main") =>
  guard.checkStatement({ identity: peer, database, sql, rpc: "Execute", inTransaction: false });

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a refusal").toBeInstanceOf(ApiError);
  return error as ApiError;
}

type Expected = { allowed: string } | { denied: string } | { invalid: true };

const CASES: [string, Expected][] = [
  ["/* x */ DROP TABLE t", { denied: "POLICY_DDL_DENIED" }],
  ["{ comment } drop table t", { denied: "POLICY_DDL_DENIED" }],
  ["-- leading comment\nDROP TABLE t", { denied: "POLICY_DDL_DENIED" }],
  ["/* a /* b */ DROP TABLE t", { denied: "POLICY_DDL_DENIED" }],
  ["DrOp TaBlE t", { denied: "POLICY_DDL_DENIED" }],
  ["\tDROP\n\t TABLE\r\n t", { denied: "POLICY_DDL_DENIED" }],
  ["(CREATE TABLE x (a int))", { denied: "POLICY_DDL_DENIED" }],
  ["truncate table orders", { denied: "POLICY_DDL_DENIED" }],
  ["GRANT ALL ON t TO public", { denied: "POLICY_DDL_DENIED" }],
  ["SELECT 1; DROP TABLE t", { denied: "POLICY_MULTIPLE_STATEMENTS" }],
  ["SELECT 1;SELECT 2", { denied: "POLICY_MULTIPLE_STATEMENTS" }],
  ["select 1 -- ; drop table t", { allowed: "read" }],
  ["select 1 /* ; drop table t */", { allowed: "read" }],
  ["select 1 { ; drop table t }", { allowed: "read" }],
  ["SELECT 'a; DROP TABLE t'", { allowed: "read" }],
  ["SELECT 'it''s; DROP TABLE t' FROM t", { allowed: "read" }],
  ['SELECT "DROP TABLE t; x" FROM t', { allowed: "read" }],
  ["SELECT 1;", { allowed: "read" }],
  ["SELECT 1;;  ;", { allowed: "read" }],
  ["-- DROP TABLE t\nSELECT 1", { allowed: "read" }],
  ["INSERT INTO t VALUES ('DATABASE other; BEGIN WORK')", { allowed: "write" }],
  ["WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", { allowed: "write" }],
  ["EXECUTE PROCEDURE add_order(1)", { allowed: "procedure" }],
  ["EXECUTE FUNCTION order_total(1)", { allowed: "procedure" }],
  ["DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$", { denied: "POLICY_DDL_DENIED" }],
  ["do language plpgsql $body$ begin null; end $body$", { denied: "POLICY_DDL_DENIED" }],
  ["EXECUTE IMMEDIATE 'DROP TABLE t'", { denied: "POLICY_DDL_DENIED" }],
  ["execute /* x */ immediate 'select 1'", { denied: "POLICY_DDL_DENIED" }],
  ["SET LOCK MODE TO WAIT 10", { allowed: "admin" }],
  ["SELECT * FROM t INTO TEMP x WITH NO LOG", { allowed: "write" }],
  ["/* unterminated DROP TABLE t", { invalid: true }],
  ["SELECT 'unterminated", { invalid: true }],
  ["{ unterminated drop table t", { invalid: true }],
  ["database other", { denied: "POLICY_SESSION_STATEMENT" }],
  ["DATABASE other EXCLUSIVE", { denied: "POLICY_SESSION_STATEMENT" }],
  ["CONNECT TO 'stores@ol_informix'", { denied: "POLICY_SESSION_STATEMENT" }],
  ["DISCONNECT ALL", { denied: "POLICY_SESSION_STATEMENT" }],
  ["SET CONNECTION 'c1'", { denied: "POLICY_SESSION_STATEMENT" }],
  ["SET SESSION AUTHORIZATION TO 'x'", { denied: "POLICY_SESSION_STATEMENT" }],
  ["SET ROLE dba_role", { denied: "POLICY_SESSION_STATEMENT" }],
  ["set local role admin", { denied: "POLICY_SESSION_STATEMENT" }],
  ["RESET ROLE", { denied: "POLICY_SESSION_STATEMENT" }],
  ["reset session authorization", { denied: "POLICY_SESSION_STATEMENT" }],
  ["begin work", { denied: "POLICY_SESSION_STATEMENT" }],
  ["BEGIN", { denied: "POLICY_SESSION_STATEMENT" }],
  ["START TRANSACTION", { denied: "POLICY_SESSION_STATEMENT" }],
  ["commit", { denied: "POLICY_SESSION_STATEMENT" }],
  ["COMMIT WORK", { denied: "POLICY_SESSION_STATEMENT" }],
  ["rollback", { denied: "POLICY_SESSION_STATEMENT" }],
  ["SAVEPOINT s1", { denied: "POLICY_SESSION_STATEMENT" }],
  ["SET ISOLATION TO DIRTY READ", { denied: "POLICY_SESSION_STATEMENT" }],
  ["SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", { denied: "POLICY_SESSION_STATEMENT" }],
  ["/* c */ { c } -- c\n  CoMmIt", { denied: "POLICY_SESSION_STATEMENT" }],
];

describe("statement guard: tricky inputs under the default policy", () => {
  const guard = guardWith();
  it.each(CASES)("%j", async (sql, expected) => {
    if ("allowed" in expected) {
      const decision = await check(guard, sql);
      expect(decision.statementClass).toBe(expected.allowed);
      expect(decision.fingerprintId).toBe(fingerprintId(sql));
      return;
    }
    const error = await refusal(check(guard, sql));
    if ("invalid" in expected) {
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.fieldViolations[0]?.field).toBe("sql");
      return;
    }
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.reason).toBe(expected.denied);
    expect(error.metadata).toMatchObject({ database: "main", fingerprint_id: fingerprintId(sql) });
    expect(error.metadata.statement_class).toMatch(/^(read|ddl|session|transaction|procedure)$/);
  });
});

describe("statement guard: refusal details", () => {
  const guard = guardWith();

  it("names the configuration key that allows the statement", async () => {
    expect((await refusal(check(guard, "DROP TABLE t"))).message).toContain("policy.allowDdl");
    expect((await refusal(check(guard, "SELECT 1; SELECT 2"))).message).toContain("policy.allowMultipleStatements");
    expect((await refusal(check(guard, "BEGIN WORK"))).message).toContain("policy.allowSessionStatements");
    expect((await refusal(check(guard, "BEGIN WORK"))).message).toContain("BeginTransaction");
    expect((await refusal(check(guard, "DATABASE other"))).message).toContain("policy.allowSessionStatements");
  });

  it("never echoes literals of the refused statement", async () => {
    const sql = "UPDATE t SET pw = 'hunter2-secret' WHERE id = 4242; DROP TABLE t";
    const error = await refusal(check(guard, sql));
    const everything = JSON.stringify({ message: error.message, metadata: error.metadata });
    expect(everything).not.toContain("hunter2");
    expect(everything).not.toContain("4242");
    expect(error.metadata.statement_class).toBe("ddl");
  });

  it("reports the class of the refused statement, not of the whole text", async () => {
    const error = await refusal(
      guardWith({ allowMultipleStatements: true }).checkStatement({
        identity: peer,
        database: "main",
        sql: "SELECT 1; COMMIT",
        rpc: "Execute",
        inTransaction: true,
      }),
    );
    expect(error.metadata.statement_class).toBe("transaction");
  });

  it("counts refusals by database and reason", async () => {
    const metrics = new Metrics();
    const counted = guardWith({}, metrics);
    await refusal(check(counted, "DROP TABLE t"));
    await refusal(check(counted, "DROP TABLE u", "reports"));
    const text = await metrics.registry.metrics();
    expect(text).toContain('proxy_statements_denied_total{database="main",reason="POLICY_DDL_DENIED"} 1');
    expect(text).toContain('proxy_statements_denied_total{database="reports",reason="POLICY_DDL_DENIED"} 1');
  });
});

describe("statement guard: policy switches", () => {
  it("allowDdl admits DDL and nothing else", async () => {
    const guard = guardWith({ allowDdl: true });
    expect((await check(guard, "/* x */ DROP TABLE t")).statementClass).toBe("ddl");
    expect((await refusal(check(guard, "CREATE TABLE a (x int); DROP TABLE b"))).reason).toBe(
      "POLICY_MULTIPLE_STATEMENTS",
    );
    expect((await refusal(check(guard, "begin work"))).reason).toBe("POLICY_SESSION_STATEMENT");
  });

  it("allowDdl admits anonymous code and EXECUTE IMMEDIATE, classified as procedure", async () => {
    const guard = guardWith({ allowDdl: true });
    expect((await check(guard, "DO $$ BEGIN NULL; END $$")).statementClass).toBe("procedure");
    expect((await check(guard, "EXECUTE IMMEDIATE 'SELECT 1'")).statementClass).toBe("procedure");
    const error = await refusal(check(guardWith(), "DO $$ BEGIN NULL; END $$"));
    expect(error.message).toContain("anonymous code (DO)");
    expect(error.metadata.statement_class).toBe("procedure");
  });

  it("allowMultipleStatements admits several statements, each still under the policy", async () => {
    const guard = guardWith({ allowMultipleStatements: true });
    expect((await check(guard, "SELECT 1; INSERT INTO t VALUES (1)")).statementClass).toBe("write");
    expect((await refusal(check(guard, "SELECT 1; DROP TABLE t"))).reason).toBe("POLICY_DDL_DENIED");
    expect((await refusal(check(guard, "SELECT 1; DATABASE other"))).reason).toBe("POLICY_SESSION_STATEMENT");
  });

  it("allowSessionStatements admits session and transaction statements", async () => {
    const guard = guardWith({ allowSessionStatements: true });
    for (const sql of [
      "begin work",
      "commit",
      "DATABASE other",
      "SET SESSION AUTHORIZATION TO 'x'",
      "SET ISOLATION TO COMMITTED READ",
    ]) {
      expect(["session", "transaction"]).toContain((await check(guard, sql)).statementClass);
    }
    expect((await refusal(check(guard, "DROP TABLE t"))).reason).toBe("POLICY_DDL_DENIED");
  });

  it("refuses new sessions to nobody without authentication", () => {
    expect(() => guardWith().checkSession(peer, "main", 1000)).not.toThrow();
  });
});
