// Every SqlService RPC through a real gRPC client over loopback, on each runnable driver.
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorInfo } from "../../src/gen/google/rpc/error_details.js";
import {
  type DescribeTableResponse,
  type ExecuteBatchResponse,
  type ExecuteResponse,
  IsolationLevel,
  type ListTablesResponse,
  type OpenSessionResponse,
  type PingResponse,
  type PrepareResponse,
  TableKind,
} from "../../src/gen/informix/proxy/v1/sql_service.js";
import { ColumnType } from "../../src/gen/informix/proxy/v1/values.js";
import { call, execRequest, expectStatus, plain, streamAll, v } from "../support/grpc-client.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";

describe.each(DRIVERS)("SqlService on %s", (driver) => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  const execute = (sql: string, params = [] as ReturnType<typeof v.str>[], extra = {}) =>
    call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql, params, ...extra }));

  it("Ping answers with latency and server version", async () => {
    const pong = await call<unknown, PingResponse>(t.client, "ping", { database: "" });
    expect(pong.database).toBe("main");
    expect(pong.serverVersion).toMatch(driver === "sqlite" ? /SQLite/ : /PostgreSQL/);
    expect(pong.latencyMicros).toBeGreaterThanOrEqual(0n);
  });

  it("Execute runs a parameterized query on the demo database", async () => {
    const result = await execute("SELECT customer_id, email FROM customer WHERE customer_id = ?", [v.int(1)]);
    expect(result.columns.map((c) => c.name)).toEqual(["customer_id", "email"]);
    expect(result.columns[0]?.type).toBe(ColumnType.COLUMN_TYPE_INT64);
    expect(result.rows).toHaveLength(1);
    expect(plain(result.rows[0]?.values[0])).toBe(1n);
    expect(String(plain(result.rows[0]?.values[1]))).toContain("@");
  });

  it("Execute caps rows at max_rows and says truncated", async () => {
    const result = await execute("SELECT customer_id FROM customer ORDER BY customer_id", [], { maxRows: 3 });
    expect(result.rows).toHaveLength(3);
    expect(result.truncated).toBe(true);
  });

  it("Execute reports rows affected for writes", async () => {
    const result = await execute("UPDATE products SET discontinued = ? WHERE product_id <= ?", [
      v.bool(false),
      v.int(3),
    ]);
    expect(result.rowsAffected).toBe(3n);
    expect(result.columns).toHaveLength(0);
  });

  it("ExecuteStream sends header, batches of fetch_size, then the summary", async () => {
    const count = plain((await execute("SELECT count(*) AS n FROM inventory_movements")).rows[0]?.values[0]);
    const { messages, rows } = await streamAll(t.client, {
      sql: "SELECT movement_id, quantity FROM inventory_movements ORDER BY movement_id",
      fetchSize: 7,
    });
    expect(messages[0]?.payload?.$case).toBe("header");
    const last = messages.at(-1)?.payload;
    expect(last?.$case).toBe("summary");
    if (last?.$case === "summary") expect(last.value.rowCount).toBe(BigInt(Number(count)));
    const batches = messages.filter((m) => m.payload?.$case === "batch");
    for (const batch of batches.slice(0, -1)) {
      if (batch.payload?.$case === "batch") expect(batch.payload.value.rows).toHaveLength(7);
    }
    expect(rows).toHaveLength(Number(count));
  });

  it("ExecuteBatch with parameter sets, atomic", async () => {
    const response = await call<unknown, ExecuteBatchResponse>(t.client, "executeBatch", {
      database: "",
      sessionId: "",
      statements: [],
      sql: "INSERT INTO inventory_movements (movement_id, product_id, movement_type, quantity, moved_at) VALUES (?, 1, 'adjustment', ?, ?)",
      parameterSets: [900001, 900002, 900003].map((id) => ({
        params: [v.int(id), v.int(5), v.ts("2026-11-26T10:00:00")],
      })),
      atomic: true,
      timeoutMs: 0,
    });
    expect(response.totalRowsAffected).toBe(3n);
    expect(response.failedCount).toBe(0);
    const check = await execute(
      "SELECT count(*) FROM inventory_movements WHERE movement_id IN (900001, 900002, 900003)",
    );
    expect(Number(plain(check.rows[0]?.values[0]))).toBe(3);
  });

  it("an atomic batch that fails keeps nothing; a non-atomic batch keeps the good items", async () => {
    const insert = (id: number) => ({
      sql: "INSERT INTO inventory_movements (movement_id, product_id, movement_type, quantity, moved_at) VALUES (?, 1, 'sale', 1, '2026-01-01 00:00:00')",
      params: [v.int(id)],
    });
    const batch = (atomic: boolean) => ({
      database: "",
      sessionId: "",
      statements: [insert(910001), insert(910001), insert(910002)],
      sql: "",
      parameterSets: [],
      atomic,
      timeoutMs: 0,
    });
    const failed = await expectStatus(call(t.client, "executeBatch", batch(true)), status.ALREADY_EXISTS);
    expect(failed.errorInfo?.metadata.batch_index).toBe("1");
    const none = await execute("SELECT count(*) FROM inventory_movements WHERE movement_id IN (910001, 910002)");
    expect(Number(plain(none.rows[0]?.values[0]))).toBe(0);

    const partial = await call<unknown, ExecuteBatchResponse>(t.client, "executeBatch", batch(false));
    expect(partial.failedCount).toBe(1);
    expect(partial.results[1]?.error?.code).toBe(status.ALREADY_EXISTS);
    // The failed item carries the same ErrorInfo a failed call does (reason, batch_index).
    const itemDetail = partial.results[1]?.error?.details.find((d) => d.typeUrl.endsWith("google.rpc.ErrorInfo"));
    expect(itemDetail, "ErrorInfo detail on the failed item").toBeDefined();
    const itemInfo = ErrorInfo.decode(itemDetail?.value ?? new Uint8Array());
    expect(itemInfo.reason).toBe("UNIQUE_VIOLATION");
    expect(itemInfo.metadata.batch_index).toBe("1");
    expect(partial.totalRowsAffected).toBe(2n);
  });

  it("sessions: prepare, execute by statement_id, transaction commit and rollback, close", async () => {
    const session = await call<unknown, OpenSessionResponse>(t.client, "openSession", { database: "" });
    expect(session.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(session.idleTimeoutSeconds).toBeGreaterThan(0);
    const sessionId = session.sessionId;

    const prepared = await call<unknown, PrepareResponse>(t.client, "prepare", {
      sessionId,
      sql: "SELECT name FROM products WHERE product_id = ?",
    });
    expect(prepared.parameterCount).toBe(1);
    const byId = await call<unknown, ExecuteResponse>(
      t.client,
      "execute",
      execRequest({ sessionId, statementId: prepared.statementId, params: [v.int(2)] }),
    );
    expect(byId.rows).toHaveLength(1);
    await call(t.client, "closePrepared", { sessionId, statementId: prepared.statementId });
    await expectStatus(
      call(t.client, "execute", execRequest({ sessionId, statementId: prepared.statementId, params: [v.int(2)] })),
      status.NOT_FOUND,
      "STATEMENT_NOT_FOUND",
    );

    await call(t.client, "beginTransaction", {
      sessionId,
      isolation: IsolationLevel.ISOLATION_LEVEL_SERIALIZABLE,
      readOnly: false,
    });
    await call(
      t.client,
      "execute",
      execRequest({ sessionId, sql: "UPDATE customer SET city = 'Rolled' WHERE customer_id = 1" }),
    );
    await call(t.client, "rollback", { sessionId });
    const afterRollback = await execute("SELECT city FROM customer WHERE customer_id = 1");
    expect(plain(afterRollback.rows[0]?.values[0])).not.toBe("Rolled");

    await call(t.client, "beginTransaction", { sessionId, isolation: 0, readOnly: false });
    await call(
      t.client,
      "execute",
      execRequest({ sessionId, sql: "UPDATE customer SET city = 'Committed' WHERE customer_id = 2" }),
    );
    await call(t.client, "commit", { sessionId });
    const afterCommit = await execute("SELECT city FROM customer WHERE customer_id = 2");
    expect(plain(afterCommit.rows[0]?.values[0])).toBe("Committed");

    await expectStatus(call(t.client, "commit", { sessionId }), status.FAILED_PRECONDITION, "NO_TRANSACTION");
    const closed = await call<unknown, { rolledBack: boolean }>(t.client, "closeSession", { sessionId });
    expect(closed.rolledBack).toBe(false);
    await expectStatus(call(t.client, "closeSession", { sessionId }), status.NOT_FOUND, "SESSION_NOT_FOUND");
  });

  it("ListTables lists the demo tables", async () => {
    const response = await call<unknown, ListTablesResponse>(t.client, "listTables", {
      database: "",
      schema: "",
      namePattern: "",
      includeViews: true,
    });
    const names = response.tables.map((x) => x.name);
    for (const table of ["customer", "products", "orders", "order_items", "inventory_movements"]) {
      expect(names).toContain(table);
    }
    expect(response.tables.every((x) => x.kind === TableKind.TABLE_KIND_TABLE)).toBe(true);
  });

  it("DescribeTable gives columns, primary key and indexes", async () => {
    const response = await call<unknown, DescribeTableResponse>(t.client, "describeTable", {
      database: "",
      schema: "",
      table: "order_items",
    });
    expect(response.columns.map((c) => c.name)).toEqual([
      "order_id",
      "line_no",
      "product_id",
      "quantity",
      "unit_price",
    ]);
    expect(response.primaryKey).toEqual(["order_id", "line_no"]);
    const price = response.columns.find((c) => c.name === "unit_price");
    expect(price?.type).toBe(ColumnType.COLUMN_TYPE_DECIMAL);
    expect(price?.precision).toBe(12);
    expect(price?.scale).toBe(2);
    await expectStatus(
      call(t.client, "describeTable", { database: "", schema: "", table: "no_such_table" }),
      status.NOT_FOUND,
    );
  });
});
