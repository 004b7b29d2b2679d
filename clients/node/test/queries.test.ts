// query / stream / batch / transaction against the real proxy, on SQLite (embedded default) and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { date, decimal, type ProxyClient, ProxyError, status, timestamp } from "../src/index.js";
import { BACKENDS, BYTES_TYPE, clientFor, DECIMAL_TYPE, scratchName } from "./support/fixture.js";

describe.each(BACKENDS)("SDK on %s", (backend) => {
  let client: ProxyClient;
  let table: string;
  beforeAll(async () => {
    client = clientFor(backend);
    table = scratchName("sdk_values");
    await client.query(
      `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, amount ${DECIMAL_TYPE[backend]}, note VARCHAR(100), at TIMESTAMP, day DATE, raw ${BYTES_TYPE[backend]}, flag BOOLEAN)`,
    );
  });
  afterAll(async () => {
    await client.query(`DROP TABLE ${table}`).catch(() => undefined);
    client.close();
  });

  it("query returns typed values: bigint, exact decimal text, booleans, timestamps as text", async () => {
    const result = await client.query(
      "SELECT customer_id, credit_limit, active, created_at FROM customer WHERE customer_id = ?",
      [1],
    );
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ["customer_id", "int64"],
      ["credit_limit", "decimal"],
      ["active", "bool"],
      ["created_at", "timestamp"],
    ]);
    const row = result.rows[0];
    expect(row?.customer_id).toBe(1n);
    expect(row?.credit_limit).toMatch(/^\d+\.\d{2}$/);
    expect(typeof row?.active).toBe("boolean");
    expect(row?.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  });

  it("round-trips BIGINT past 2^53, DECIMAL(32,10), binary bytes, NULL, and fractions of Date and text", async () => {
    const big = 9_223_372_036_854_775_807n;
    const amount = "1234567890123456789012.0123456789";
    const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const at = new Date("2026-03-04T05:06:07.891Z");
    await client.query(`INSERT INTO ${table} (id, amount, note, at, day, raw, flag) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      big,
      decimal(amount),
      null,
      at,
      date("2026-02-28"),
      raw,
      true,
    ]);
    await client.query(`INSERT INTO ${table} (id, note, at) VALUES (?, ?, ?)`, [
      2,
      "",
      timestamp("2026-01-02T03:04:05.123456"),
    ]);
    const rows = (await client.query(`SELECT * FROM ${table} ORDER BY id`)).rows;
    expect(rows[0]?.id).toBe(2n);
    expect(rows[0]?.note).toBe(""); // an empty string is not NULL
    expect(rows[0]?.at).toBe("2026-01-02T03:04:05.123456");
    expect(rows[1]?.id).toBe(big);
    expect(rows[1]?.amount).toBe(amount);
    expect(rows[1]?.note).toBeNull();
    expect(Buffer.compare(rows[1]?.raw as Buffer, raw)).toBe(0);
    expect(rows[1]?.day).toBe("2026-02-28");
    expect(rows[1]?.flag).toBe(true);
    expect(rows[1]?.at).toMatch(/^2026-03-04T05:06:07\.891/);

    const asDates = clientFor(backend, { dates: "date" });
    try {
      const row = (await asDates.query(`SELECT at, day FROM ${table} WHERE id = ?`, [big])).rows[0];
      expect((row?.at as Date | undefined)?.toISOString()).toBe(at.toISOString());
      expect((row?.day as Date | undefined)?.toISOString()).toBe("2026-02-28T00:00:00.000Z");
    } finally {
      asDates.close();
    }
  });

  it("stream yields every row in order with columns and a summary, fetch_size rows at a time", async () => {
    const expected = (await client.query("SELECT product_id FROM products ORDER BY product_id")).rows.map(
      (r) => r.product_id,
    );
    const stream = client.stream("SELECT product_id, name FROM products ORDER BY product_id", [], { fetchSize: 2 });
    const seen: unknown[] = [];
    for await (const row of stream) {
      seen.push(row.product_id);
      // A slow consumer: the iterator waits, the server waits for the transport (back-pressure).
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(seen).toEqual(expected);
    expect(stream.columns?.map((c) => c.name)).toEqual(["product_id", "name"]);
    expect(stream.summary?.rowCount).toBe(expected.length);
  });

  it("a consumer that breaks early cancels the stream, and the pool stays usable", async () => {
    for (let i = 0; i < 12; i++) {
      const stream = client.stream("SELECT * FROM inventory_movements", [], { fetchSize: 1 });
      for await (const _ of stream) break;
      expect(stream.summary).toBeUndefined();
    }
    const ping = await client.ping();
    expect(ping.serverVersion).not.toBe("");
  });

  it("stream errors are ProxyErrors with the status details", async () => {
    const rows = client.stream("SELECT * FROM no_such_table_here");
    const error = await rows.toArray().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe(status.NOT_FOUND);
    expect((error as ProxyError).reason).toBe("OBJECT_NOT_FOUND");
  });

  it("errors carry the gRPC code, ErrorInfo reason and BadRequest field violations", async () => {
    const missing = await client.query("SELECT * FROM no_such_table_here").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ProxyError);
    expect((missing as ProxyError).codeName).toBe("NOT_FOUND");
    expect((missing as ProxyError).domain).toBe("informix-grpc-proxy");
    expect((missing as ProxyError).metadata.database).toBe(backend === "sqlite" ? "demo" : "pg");

    const badCount = (await client.query("SELECT ? + ?", [1]).catch((e: unknown) => e)) as ProxyError;
    expect(badCount.code).toBe(status.INVALID_ARGUMENT);
    expect(badCount.fieldViolations[0]?.field).toBe("params");
  });

  it("batch: item errors carry code, reason and sqlstate like call errors; atomic batches keep nothing on failure", async () => {
    const base = 1000;
    const result = await client.batchParams(`INSERT INTO ${table} (id, note) VALUES (?, ?)`, [
      [base, "a"],
      [base, "duplicate"],
      [base + 1, "b"],
    ]);
    expect(result.failedCount).toBe(1);
    expect(result.totalRowsAffected).toBe(2);
    const failed = result.results[1]?.error;
    expect(failed).toBeInstanceOf(ProxyError);
    expect(failed?.code).toBe(status.ALREADY_EXISTS);
    expect(failed?.reason).toBe("UNIQUE_VIOLATION");
    expect(failed?.metadata.batch_index).toBe("1");
    if (backend === "postgres") expect(failed?.sqlstate).toBe("23505");

    const atomic = await client
      .batch(
        [
          { sql: `INSERT INTO ${table} (id, note) VALUES (?, ?)`, params: [base + 10, "x"] },
          { sql: `INSERT INTO ${table} (id, note) VALUES (?, ?)`, params: [base, "dup"] },
        ],
        { atomic: true },
      )
      .catch((e: unknown) => e);
    expect((atomic as ProxyError).code).toBe(status.ALREADY_EXISTS);
    expect((atomic as ProxyError).metadata.batch_index).toBe("1");
    const kept = await client.query(`SELECT id FROM ${table} WHERE id = ?`, [base + 10]);
    expect(kept.rows).toHaveLength(0);
  });

  it("transaction(fn) commits when fn resolves and rolls back when it throws", async () => {
    await client.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${table} (id, note) VALUES (?, ?)`, [2000, "committed"]);
    });
    await expect(
      client.transaction(
        async (tx) => {
          await tx.query(`INSERT INTO ${table} (id, note) VALUES (?, ?)`, [2001, "rolled back"]);
          throw new Error("changed my mind");
        },
        { isolation: "serializable" },
      ),
    ).rejects.toThrow("changed my mind");
    const rows = (await client.query(`SELECT id FROM ${table} WHERE id BETWEEN 2000 AND 2999 ORDER BY id`)).rows;
    expect(rows.map((r) => r.id)).toEqual([2000n]);
  });

  it("sessions: prepared statements, explicit transactions, and close rolls back", async () => {
    const session = await client.openSession();
    expect(session.id).toMatch(/^[0-9a-f]{32}$/);
    const insert = await session.prepare(`INSERT INTO ${table} (id, note) VALUES (?, ?)`);
    expect(insert.parameterCount).toBe(2);
    await session.begin({ isolation: "read_committed" });
    await insert.query([3000, "in tx"]);
    const inside = await session.query(`SELECT count(*) AS n FROM ${table} WHERE id = ?`, [3000]);
    expect(Number(inside.rows[0]?.n)).toBe(1);
    await insert.close();
    expect(await session.close()).toBe(true);
    const after = await client.query(`SELECT count(*) AS n FROM ${table} WHERE id = ?`, [3000]);
    expect(Number(after.rows[0]?.n)).toBe(0);
  });

  // SQLite runs a statement step on the proxy's event loop, so a slow SQLite query is a slowly read stream.
  const slowRows = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x FROM c";
  async function slowCall(options: { deadlineMs?: number; signal?: AbortSignal }): Promise<unknown> {
    if (backend === "postgres") return client.query("SELECT pg_sleep(5)", [], options);
    for await (const _ of client.stream(slowRows, [], { ...options, fetchSize: 1 })) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  }

  it("a deadline that passes ends the call with DEADLINE_EXCEEDED", async () => {
    const error = (await slowCall({ deadlineMs: 300 }).catch((e: unknown) => e)) as ProxyError;
    expect(error).toBeInstanceOf(ProxyError);
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
  });

  it("an AbortSignal cancels the call", async () => {
    const controller = new AbortController();
    const pending = slowCall({ signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const error = (await pending.catch((e: unknown) => e)) as ProxyError;
    expect(error).toBeInstanceOf(ProxyError);
    expect(error.code).toBe(status.CANCELLED);
  });

  it("metadata: listTables and describeTable", async () => {
    const tables = await client.listTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["customer", "products", "orders"]));
    const described = await client.describeTable("orders");
    expect(described.primaryKey).toEqual(["order_id"]);
    expect(described.columns.find((c) => c.name === "total_amount")?.type).toBe("decimal");
  });
});
