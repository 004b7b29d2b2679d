// The query policy and the allow-list end to end: a real gRPC client over loopback against the proxy with its
// default statement guard, on SQLite and PostgreSQL. Every refusal must leave the database untouched.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { parsedBy } from "../support/dialect.js";
import { call, execRequest, expectStatus, plain, streamAll, v } from "../support/grpc-client.js";
import { DRIVERS, startTestProxy, type TestDriver, type TestProxy } from "../support/test-proxy.js";

const execute = (t: TestProxy, sql: string, extra: Record<string, unknown> = {}) =>
  call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql, ...extra }));

const customerCount = async (t: TestProxy) =>
  Number(plain((await execute(t, "SELECT count(*) FROM customer")).rows[0]?.values[0]));

describe.each(DRIVERS)("query policy on %s (defaults)", (driver) => {
  let t: TestProxy;
  let customers: number;
  beforeAll(async () => {
    t = await startTestProxy(driver);
    customers = await customerCount(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("refuses DDL hidden behind a comment, with the details in ErrorInfo", async () => {
    const sql = "/* harmless */ DROP TABLE customer";
    const { error, errorInfo } = await expectStatus(execute(t, sql), status.PERMISSION_DENIED, "POLICY_DDL_DENIED");
    expect(errorInfo?.metadata).toMatchObject({
      statement_class: "ddl",
      database: "main",
      fingerprint_id: (await parsedBy(driver, sql)).fingerprintId,
    });
    expect(error.details).toContain("policy.allowDdl");
    expect(await customerCount(t)).toBe(customers);
  });

  it("refuses anonymous code that could run DDL out of the classifier's sight", async () => {
    // SQLite has no dollar quotes: there the text is several statements (and no DO), refused as such.
    await expectStatus(
      execute(t, "DO $$ BEGIN EXECUTE 'DROP TABLE customer'; END $$"),
      status.PERMISSION_DENIED,
      driver === "postgres" ? "POLICY_DDL_DENIED" : "POLICY_MULTIPLE_STATEMENTS",
    );
    expect(await customerCount(t)).toBe(customers);
  });

  it("refuses a second statement riding on a query", async () => {
    await expectStatus(
      execute(t, "SELECT 1; DELETE FROM customer"),
      status.PERMISSION_DENIED,
      "POLICY_MULTIPLE_STATEMENTS",
    );
    await expectStatus(
      execute(t, "SELECT 1; DROP TABLE customer"),
      status.PERMISSION_DENIED,
      "POLICY_MULTIPLE_STATEMENTS",
    );
    expect(await customerCount(t)).toBe(customers);
  });

  it("admits what only looks dangerous: a commented-out or quoted second statement", async () => {
    await execute(t, "select 1 -- ; drop table customer");
    const quoted = await execute(t, "SELECT 'a; DROP TABLE customer' AS s");
    expect(plain(quoted.rows[0]?.values[0])).toBe("a; DROP TABLE customer");
    expect(await customerCount(t)).toBe(customers);
  });

  it("refuses transaction control in SQL text and session-changing statements", async () => {
    for (const sql of [
      "begin work",
      "BEGIN",
      "commit",
      "ROLLBACK",
      "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
      "SET ROLE postgres",
      // Each dialect's own spelling (the PostgreSQL parser rejects the Informix forms as syntax errors).
      ...(driver === "postgres"
        ? ["SET SESSION AUTHORIZATION 'x'", "RESET ROLE"]
        : ["SET SESSION AUTHORIZATION TO 'x'", "database other"]),
    ]) {
      const { error } = await expectStatus(execute(t, sql), status.PERMISSION_DENIED, "POLICY_SESSION_STATEMENT");
      expect(error.details).toContain("policy.allowSessionStatements");
    }
  });

  it("applies on every RPC: ExecuteStream, ExecuteBatch (nothing runs), Prepare", async () => {
    await expectStatus(
      streamAll(t.client, { sql: "DROP TABLE customer" }),
      status.PERMISSION_DENIED,
      "POLICY_DDL_DENIED",
    );
    const batch = {
      database: "",
      sessionId: "",
      statements: [
        { sql: "DELETE FROM customer WHERE customer_id = ?", params: [v.int(1)] },
        { sql: "DROP TABLE customer", params: [] },
      ],
      sql: "",
      parameterSets: [],
      atomic: false,
      timeoutMs: 0,
    };
    await expectStatus(call(t.client, "executeBatch", batch), status.PERMISSION_DENIED, "POLICY_DDL_DENIED");
    expect(await customerCount(t)).toBe(customers);
    const { sessionId } = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    await expectStatus(
      call(t.client, "prepare", { sessionId, sql: "DROP TABLE customer" }),
      status.PERMISSION_DENIED,
      "POLICY_DDL_DENIED",
    );
    await expectStatus(execute(t, "COMMIT", { sessionId }), status.PERMISSION_DENIED, "POLICY_SESSION_STATEMENT");
    await call(t.client, "closeSession", { sessionId });
  });

  it("an unterminated comment is INVALID_ARGUMENT", async () => {
    await expectStatus(execute(t, "SELECT 1 /* DROP TABLE customer"), status.INVALID_ARGUMENT);
  });

  it("counts refusals on the metrics registry", async () => {
    const text = await t.proxy.metrics.registry.metrics();
    expect(text).toMatch(/proxy_statements_denied_total\{database="main",reason="POLICY_DDL_DENIED"\} [1-9]/);
  });
});

describe("query policy switches (sqlite)", () => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy("sqlite", { configPatch: { policy: { allowDdl: true, allowMultipleStatements: false } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("allowDdl admits DDL", async () => {
    await execute(t, "CREATE TABLE policy_probe (id INTEGER)");
    await execute(t, "DROP TABLE policy_probe");
  });
});

async function recordThenEnforce(driver: TestDriver, dir: string) {
  const file = join(dir, "allowlist.jsonl");
  const patch = (mode: string) => ({ configPatch: { policy: { allowlist: { mode, file } } } });

  const recording = await startTestProxy(driver, patch("record"));
  try {
    await execute(recording, "SELECT last_name, city FROM customer WHERE customer_id = 1");
    await execute(recording, "SELECT last_name, city FROM customer WHERE customer_id = ?", { params: [v.int(2)] });
    await execute(recording, "UPDATE customer SET city = 'Lyon' WHERE customer_id = 3");
    await streamAll(recording.client, { sql: "SELECT product_id FROM products WHERE product_id IN (1, 2, 3)" });
  } finally {
    await recording.close(); // flushes the recorder
  }
  const recorded = readFileSync(file, "utf8");
  expect(recorded).not.toContain("Lyon");

  const enforcing = await startTestProxy(driver, patch("enforce"));
  try {
    const same = await execute(enforcing, "select last_name, city from customer where customer_id = 7");
    expect(same.rows).toHaveLength(1);
    await execute(enforcing, "UPDATE customer SET city = 'Oslo' WHERE customer_id = 4");
    await streamAll(enforcing.client, { sql: "SELECT product_id FROM products WHERE product_id IN (5, 6)" });
    const newcomer = "SELECT email FROM customer WHERE customer_id = 1";
    const { errorInfo } = await expectStatus(execute(enforcing, newcomer), status.PERMISSION_DENIED, "NOT_ALLOWLISTED");
    expect(errorInfo?.metadata).toMatchObject({
      fingerprint_id: (await parsedBy(driver, newcomer)).fingerprintId,
      fingerprint: "select email from customer where customer_id = ?",
      database: "main",
    });
  } finally {
    await enforcing.close();
  }
  return recorded.trim().split("\n").length;
}

describe.each(DRIVERS)("allow-list round trip on %s", (driver) => {
  it("record a workload, restart in enforce mode: other literals pass, a new statement is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "igp-allowlist-e2e-"));
    try {
      // Three distinct shapes: the two customer lookups (literal and parameter) are one fingerprint.
      expect(await recordThenEnforce(driver, dir)).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
