// The error table of DESIGN.md, row by row, as far as each runnable driver can produce it, plus bad input.
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, execRequest, expectStatus, v } from "../support/grpc-client.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";

describe.each(DRIVERS)("errors on %s", (driver) => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy(driver, { configPatch: { server: { maxReceiveMessageBytes: 64 * 1024 } } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const exec = (req: Parameters<typeof execRequest>[0]) => call(t.client, "execute", execRequest(req));

  it("syntax error -> INVALID_ARGUMENT with sqlstate and database in ErrorInfo", async () => {
    const { errorInfo } = await expectStatus(exec({ sql: "SELEC 1" }), status.INVALID_ARGUMENT, "INVALID_STATEMENT");
    expect(errorInfo?.domain).toBe("informix-grpc-proxy");
    expect(errorInfo?.metadata.database).toBe("main");
    if (driver === "postgres") expect(errorInfo?.metadata.sqlstate).toBe("42601");
  });

  it("empty SQL -> INVALID_ARGUMENT naming the field", async () => {
    const { badRequest } = await expectStatus(exec({ sql: "" }), status.INVALID_ARGUMENT);
    expect(badRequest?.fieldViolations[0]?.field).toBe("sql");
  });

  it("both sql and statement_id -> INVALID_ARGUMENT", async () => {
    await expectStatus(exec({ sql: "SELECT 1", statementId: "abc" }), status.INVALID_ARGUMENT);
  });

  it("wrong parameter count -> INVALID_ARGUMENT naming params", async () => {
    const { badRequest, error } = await expectStatus(
      exec({ sql: "SELECT * FROM customer WHERE customer_id = ? AND city = ?", params: [v.int(1)] }),
      status.INVALID_ARGUMENT,
    );
    expect(badRequest?.fieldViolations[0]?.field).toBe("params");
    expect(error.details).toContain("2 placeholders but 1 parameter");
  });

  it("a ? inside a string literal is not a placeholder", async () => {
    const result = await exec({ sql: "SELECT '?' AS q, ? AS p", params: [v.str("x")] });
    expect(result).toBeTruthy();
  });

  it("bad parameter value -> INVALID_ARGUMENT naming the parameter", async () => {
    const { badRequest } = await expectStatus(
      exec({ sql: "SELECT ?", params: [v.date("2026-13-45")] }),
      status.INVALID_ARGUMENT,
    );
    expect(badRequest?.fieldViolations[0]?.field).toBe("params[0]");
    await expectStatus(exec({ sql: "SELECT ?", params: [{ kind: undefined }] }), status.INVALID_ARGUMENT);
    await expectStatus(exec({ sql: "SELECT ?", params: [v.dec("12,5")] }), status.INVALID_ARGUMENT);
  });

  it("unknown table -> NOT_FOUND; unknown column -> NOT_FOUND", async () => {
    await expectStatus(exec({ sql: "SELECT * FROM no_such_table" }), status.NOT_FOUND, "OBJECT_NOT_FOUND");
    await expectStatus(exec({ sql: "SELECT no_such_column FROM customer" }), status.NOT_FOUND, "OBJECT_NOT_FOUND");
  });

  it("unknown session and unknown database -> NOT_FOUND", async () => {
    await expectStatus(exec({ sessionId: "0".repeat(32), sql: "SELECT 1" }), status.NOT_FOUND, "SESSION_NOT_FOUND");
    await expectStatus(exec({ database: "nope", sql: "SELECT 1" }), status.NOT_FOUND, "DATABASE_NOT_FOUND");
  });

  it("unique violation -> ALREADY_EXISTS", async () => {
    await expectStatus(
      exec({
        sql: "INSERT INTO customer (customer_id, first_name, last_name, email, city, country, credit_limit, created_at) SELECT 9999, first_name, last_name, email, city, country, credit_limit, created_at FROM customer WHERE customer_id = 1",
      }),
      status.ALREADY_EXISTS,
      "UNIQUE_VIOLATION",
    );
  });

  it("other constraint violation -> FAILED_PRECONDITION", async () => {
    await expectStatus(
      exec({ sql: "UPDATE orders SET status = 'lost' WHERE order_id = 1" }),
      status.FAILED_PRECONDITION,
      "CONSTRAINT_VIOLATION",
    );
    await expectStatus(
      exec({ sql: "UPDATE customer SET email = NULL WHERE customer_id = 1" }),
      status.FAILED_PRECONDITION,
      "CONSTRAINT_VIOLATION",
    );
  });

  it("commit without a transaction -> FAILED_PRECONDITION", async () => {
    const { sessionId } = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    await expectStatus(call(t.client, "commit", { sessionId }), status.FAILED_PRECONDITION, "NO_TRANSACTION");
    await expectStatus(call(t.client, "rollback", { sessionId }), status.FAILED_PRECONDITION, "NO_TRANSACTION");
    await call(t.client, "closeSession", { sessionId });
  });

  it("oversized request message -> RESOURCE_EXHAUSTED", async () => {
    await expectStatus(exec({ sql: `SELECT '${"x".repeat(100 * 1024)}'` }), status.RESOURCE_EXHAUSTED);
  });

  it.runIf(driver === "postgres")("database refuses the statement -> PERMISSION_DENIED", async () => {
    const { sessionId } = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    await call(t.client, "beginTransaction", { sessionId, isolation: 0, readOnly: true });
    await expectStatus(
      call(
        t.client,
        "execute",
        execRequest({ sessionId, sql: "UPDATE customer SET city = 'x' WHERE customer_id = 1" }),
      ),
      status.PERMISSION_DENIED,
    );
    const closed = await call<unknown, { rolledBack: boolean }>(t.client, "closeSession", { sessionId });
    expect(closed.rolledBack).toBe(true);
  });

  it.runIf(driver === "postgres")("serialization failure -> ABORTED with RetryInfo", async () => {
    const a = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    const b = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    for (const s of [a, b])
      await call(t.client, "beginTransaction", { sessionId: s.sessionId, isolation: 4, readOnly: false });
    const read = "SELECT credit_limit FROM customer WHERE customer_id = 3";
    await call(t.client, "execute", execRequest({ sessionId: a.sessionId, sql: read }));
    await call(t.client, "execute", execRequest({ sessionId: b.sessionId, sql: read }));
    await call(
      t.client,
      "execute",
      execRequest({
        sessionId: a.sessionId,
        sql: "UPDATE customer SET credit_limit = credit_limit + 1 WHERE customer_id = 3",
      }),
    );
    await call(t.client, "commit", { sessionId: a.sessionId });
    const { retryInfo } = await expectStatus(
      call(
        t.client,
        "execute",
        execRequest({
          sessionId: b.sessionId,
          sql: "UPDATE customer SET credit_limit = credit_limit + 1 WHERE customer_id = 3",
        }),
      ),
      status.ABORTED,
      "TRANSACTION_CONFLICT",
    );
    expect(retryInfo?.retryDelay).toBeDefined();
    await call(t.client, "closeSession", { sessionId: a.sessionId });
    await call(t.client, "closeSession", { sessionId: b.sessionId });
  });
});
