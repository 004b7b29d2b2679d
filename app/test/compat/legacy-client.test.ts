// An UNCHANGED client of the earlier Java proxy (grpc-js + @grpc/proto-loader on that proxy's own proto file,
// test/compat/legacy/informix.proto, byte for byte the reference copy) against the real proxy with
// compat.enabled, on SQLite and PostgreSQL: every legacy call, errors the legacy way (OK + success=false /
// error text), while the proxy's metrics and logs record the real status code.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogs } from "../support/log-capture.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";

const LEGACY_PROTO = fileURLToPath(new URL("./legacy/informix.proto", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: a dynamically loaded legacy client, as the old Node clients used it
type LegacyClient = any;

function legacyClient(address: string): LegacyClient {
  // The options the earlier proxy's Node.js client used.
  const definition = protoLoader.loadSync(LEGACY_PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const informix = (grpc.loadPackageDefinition(definition) as any).informix;
  return new informix.InformixService(address, grpc.credentials.createInsecure());
}

function unaryCall<T>(client: LegacyClient, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))),
  );
}

function streamCall<T>(client: LegacyClient, method: string, request: unknown): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const messages: T[] = [];
    const call = client[method](request);
    call.on("data", (m: T) => messages.push(m));
    call.on("error", reject);
    call.on("end", () => resolve(messages));
  });
}

interface LegacyValue {
  is_null: boolean;
  data?: string;
  string_data?: string;
  int_data?: number;
  long_data?: string;
  double_data?: number;
  bool_data?: boolean;
  bytes_data?: Buffer;
}
interface QueryResponse {
  rows: Array<{ values: LegacyValue[] }>;
  columns: Array<{ name: string; type: string; precision: number; scale: number; nullable: boolean }>;
  has_more: boolean;
  total_rows: number;
  error: string;
}

const plainValue = (v: LegacyValue | undefined) =>
  v?.is_null ? null : v?.data ? v[v.data as keyof LegacyValue] : undefined;

it("the legacy proto here is the reference copy, unchanged", () => {
  const reference = fileURLToPath(new URL("../../../../shared/legacy/informix.proto", import.meta.url));
  if (existsSync(reference)) expect(readFileSync(LEGACY_PROTO, "utf8")).toBe(readFileSync(reference, "utf8"));
  expect(readFileSync(LEGACY_PROTO, "utf8")).toContain("service InformixService");
});

describe.each(DRIVERS)("legacy informix.InformixService on %s", (driver) => {
  let t: TestProxy;
  let client: LegacyClient;
  const logs = captureLogs("info");
  beforeAll(async () => {
    t = await startTestProxy(driver, {
      configPatch: { compat: { enabled: true, databases: { testdb: "main" } } },
      logger: logs.logger,
    });
    client = legacyClient(t.address);
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
  });

  const connect = async (request: Record<string, unknown> = {}) => {
    const response = await unaryCall<{
      connection_id: string;
      server_version: string;
      success: boolean;
      error: string;
    }>(client, "Connect", {
      host: "",
      port: 0,
      database: "",
      username: "app",
      password: "ignored",
      pool_size: 10,
      ...request,
    });
    expect(response.success, response.error).toBe(true);
    return response;
  };

  it("Connect picks the configured database and answers a session id and the server version", async () => {
    const byDefault = await connect();
    expect(byDefault.connection_id).toMatch(/^[0-9a-f]{32}$/);
    expect(byDefault.server_version).not.toBe("");
    const byName = await connect({ database: "main" });
    expect(byName.connection_id).not.toBe(byDefault.connection_id);
    if (driver === "postgres") {
      const pg = t.config.databases.main as { host: string; port: number; database: string };
      await connect({ host: pg.host, port: pg.port, database: pg.database });
    }
    for (const id of [byDefault.connection_id, byName.connection_id]) {
      expect((await unaryCall<{ success: boolean }>(client, "Disconnect", { connection_id: id })).success).toBe(true);
    }
  });

  it("Connect naming a database the proxy does not know gets the default one; nothing the client names is opened", async () => {
    const alias = await connect({ host: "informix-db", port: 9088, database: "testdb", username: "informix" });
    const unknown = await connect({ host: "10.1.2.3", port: 9088, database: "stores_demo", password: "in4mix" });
    const matched = logs
      .records()
      .filter((r) => r.method === "informix.InformixService/Connect")
      .map((r) => r.compatMatchedBy);
    expect(matched).toEqual(expect.arrayContaining(["alias", "default"]));
    expect(logs.lines.join("\n")).not.toContain("in4mix");
    expect(logs.lines.join("\n")).not.toContain("10.1.2.3");
    for (const id of [alias.connection_id, unknown.connection_id]) {
      await unaryCall(client, "Disconnect", { connection_id: id });
    }
  });

  it("ExecuteQuery streams fetch_size rows per message: columns first, has_more false and total_rows last", async () => {
    const { connection_id } = await connect();
    const messages = await streamCall<QueryResponse>(client, "ExecuteQuery", {
      connection_id,
      sql: "SELECT product_id, name, unit_price FROM products ORDER BY product_id",
      parameters: [],
      fetch_size: 3,
      max_rows: 0,
    });
    const total = messages.reduce((n, m) => n + m.rows.length, 0);
    expect(total).toBeGreaterThan(3);
    expect(messages[0]?.columns.map((c) => c.name)).toEqual(["product_id", "name", "unit_price"]);
    expect(messages.slice(1).every((m) => m.columns.length === 0)).toBe(true);
    expect(messages.slice(0, -1).every((m) => m.has_more && m.rows.length === 3)).toBe(true);
    expect(messages.at(-1)?.has_more).toBe(false);
    expect(messages.at(-1)?.total_rows).toBe(total);
    expect(messages.map((m) => m.total_rows)).toEqual(messages.map((_, i) => Math.min(total, (i + 1) * 3)));
    const first = messages[0]?.rows[0]?.values ?? [];
    expect(first[0]?.data).toBe(driver === "postgres" ? "long_data" : "int_data"); // bigint vs INTEGER
    expect(first[1]?.data).toBe("string_data");
    expect(first[2]?.data).toBe("double_data"); // DECIMAL came back as a double from the Java proxy

    const limited = await streamCall<QueryResponse>(client, "ExecuteQuery", {
      connection_id,
      sql: "SELECT product_id FROM products WHERE product_id > ? ORDER BY product_id",
      parameters: [{ int_value: 0 }],
      fetch_size: 2,
      max_rows: 3,
    });
    expect(limited.map((m) => m.rows.length)).toEqual([2, 1]);
    expect(limited.at(-1)?.total_rows).toBe(3);
    await unaryCall(client, "Disconnect", { connection_id });
  });

  it("values: NULL as is_null, BIGINT as long_data, bytes, timestamps as JDBC text; typed parameters", async () => {
    const { connection_id } = await connect();
    const [message] = await streamCall<QueryResponse>(client, "ExecuteQuery", {
      connection_id,
      sql: "SELECT customer_id, company, created_at, active FROM customer WHERE customer_id = ? AND created_at > ?",
      parameters: [{ long_value: "1" }, { string_value: "2000-01-01 00:00:00", type_hint: "TIMESTAMP" }],
      fetch_size: 0,
      max_rows: 0,
    });
    const values = message?.rows[0]?.values ?? [];
    expect(["int_data", "long_data"]).toContain(values[0]?.data);
    expect(String(plainValue(values[0]))).toBe("1");
    expect(values[2]?.data).toBe("string_data");
    expect(values[2]?.string_data).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(values[3]?.data).toBe("bool_data");
    const nulls = await streamCall<QueryResponse>(client, "ExecuteQuery", {
      connection_id,
      sql: "SELECT company FROM customer WHERE company IS NULL",
      parameters: [],
      fetch_size: 0,
      max_rows: 1,
    });
    if (nulls[0]?.rows.length) expect(nulls[0]?.rows[0]?.values[0]?.is_null).toBe(true);
    await unaryCall(client, "Disconnect", { connection_id });
  });

  it("ExecuteUpdate, transactions with isolation names, Rollback and Commit", async () => {
    const { connection_id } = await connect();
    const city = async () => {
      const [m] = await streamCall<QueryResponse>(client, "ExecuteQuery", {
        connection_id,
        sql: "SELECT city FROM customer WHERE customer_id = 7",
        parameters: [],
      });
      return plainValue(m?.rows[0]?.values[0]);
    };
    const before = await city();
    const begin = await unaryCall<{ success: boolean; error: string }>(client, "BeginTransaction", {
      connection_id,
      isolation_level: "READ_COMMITTED",
    });
    expect(begin.success, begin.error).toBe(true);
    const update = await unaryCall<{ rows_affected: number; error: string }>(client, "ExecuteUpdate", {
      connection_id,
      sql: "UPDATE customer SET city = ? WHERE customer_id = ?",
      parameters: [{ string_value: "Legacyville" }, { int_value: 7 }],
    });
    expect(update).toEqual({ rows_affected: 1, error: "" });
    expect(await city()).toBe("Legacyville");
    expect((await unaryCall<{ success: boolean }>(client, "Rollback", { connection_id })).success).toBe(true);
    expect(await city()).toBe(before);

    await unaryCall(client, "BeginTransaction", { connection_id, isolation_level: "SERIALIZABLE" });
    await unaryCall(client, "ExecuteUpdate", {
      connection_id,
      sql: "UPDATE customer SET city = ? WHERE customer_id = 7",
      parameters: [{ string_value: "Committed" }],
    });
    expect((await unaryCall<{ success: boolean }>(client, "Commit", { connection_id })).success).toBe(true);
    expect(await city()).toBe("Committed");
    const bad = await unaryCall<{ success: boolean; error: string }>(client, "Commit", { connection_id });
    expect(bad.success).toBe(false);
    expect(bad.error).toMatch(/without a transaction/);
    // The Java proxy ignored an isolation name it did not know (the connection kept its level): so does this.
    const unknownLevel = await unaryCall<{ success: boolean; error: string }>(client, "BeginTransaction", {
      connection_id,
      isolation_level: "CHAOS",
    });
    expect(unknownLevel.success, unknownLevel.error).toBe(true);
    expect((await unaryCall<{ success: boolean }>(client, "Rollback", { connection_id })).success).toBe(true);
    await unaryCall(client, "Disconnect", { connection_id });
  });

  it("ExecuteBatch: rows affected per statement, a failed statement as -3 with the error text", async () => {
    const { connection_id } = await connect();
    const insert = (id: number) =>
      `INSERT INTO inventory_movements (movement_id, product_id, movement_type, quantity, moved_at) VALUES (${id}, 1, 'sale', 1, '2026-01-01 00:00:00')`;
    const ok = await unaryCall<{ rows_affected: number[]; error: string }>(client, "ExecuteBatch", {
      connection_id,
      sql_statements: [insert(820001), insert(820002)],
    });
    expect(ok).toEqual({ rows_affected: [1, 1], error: "" });
    const failed = await unaryCall<{ rows_affected: number[]; error: string }>(client, "ExecuteBatch", {
      connection_id,
      sql_statements: [insert(820003), insert(820001)],
    });
    expect(failed.rows_affected).toEqual([1, -3]);
    expect(failed.error).toMatch(/^statement 1: /);
    await unaryCall(client, "Disconnect", { connection_id });
  });

  it("PrepareStatement, ExecutePrepared, ClosePrepared", async () => {
    const { connection_id } = await connect();
    const prepared = await unaryCall<{ statement_id: string; parameter_count: number; error: string }>(
      client,
      "PrepareStatement",
      { connection_id, sql: "SELECT name FROM products WHERE product_id = ?" },
    );
    expect(prepared.error).toBe("");
    expect(prepared.parameter_count).toBe(1);
    const rows = await streamCall<QueryResponse>(client, "ExecutePrepared", {
      connection_id,
      statement_id: prepared.statement_id,
      parameters: [{ int_value: 2 }],
      fetch_size: 10,
    });
    expect(rows[0]?.rows).toHaveLength(1);
    const closed = await unaryCall<{ success: boolean }>(client, "ClosePrepared", {
      connection_id,
      statement_id: prepared.statement_id,
    });
    expect(closed.success).toBe(true);
    const again = await streamCall<QueryResponse>(client, "ExecutePrepared", {
      connection_id,
      statement_id: prepared.statement_id,
      parameters: [{ int_value: 2 }],
    });
    expect(again).toHaveLength(1);
    expect(again[0]?.error).toMatch(/prepared statement not found/);
    await unaryCall(client, "Disconnect", { connection_id });
  });

  it("GetMetadata lists tables, and the named table's columns", async () => {
    const { connection_id } = await connect();
    const all = await unaryCall<{ tables: Array<{ name: string; type: string; columns: unknown[] }>; error: string }>(
      client,
      "GetMetadata",
      { connection_id, table_name: "" },
    );
    expect(all.error).toBe("");
    expect(all.tables.map((table) => table.name)).toEqual(expect.arrayContaining(["customer", "orders"]));
    const one = await unaryCall<{
      tables: Array<{ name: string; columns: Array<{ name: string; type: string; nullable: boolean }> }>;
    }>(client, "GetMetadata", { connection_id, table_name: "orders" });
    expect(one.tables).toHaveLength(1); // the Java proxy answered the named table alone
    expect(one.tables[0]?.columns.map((c) => c.name)).toEqual(expect.arrayContaining(["order_id", "total_amount"]));
    const missing = await unaryCall<{ tables: unknown[]; error: string }>(client, "GetMetadata", {
      connection_id,
      table_name: "no_such_table",
    });
    expect(missing).toEqual({ tables: [], error: "" });
    await unaryCall(client, "Disconnect", { connection_id });
  });

  it("Ping; a connection_id works from another TCP connection, and stops working after Disconnect", async () => {
    const { connection_id } = await connect();
    const other = legacyClient(t.address);
    const ping = await unaryCall<{ alive: boolean; latency_ms: string }>(other, "Ping", { connection_id });
    expect(ping.alive).toBe(true);
    await unaryCall(other, "Disconnect", { connection_id });
    const after = await unaryCall<{ alive: boolean; latency_ms: string }>(client, "Ping", { connection_id });
    expect(after).toEqual({ alive: false, latency_ms: "-1" });
    const again = await unaryCall<{ success: boolean }>(client, "Disconnect", { connection_id });
    expect(again.success).toBe(true); // an id that is gone disconnects without complaint, as before
    const query = await streamCall<QueryResponse>(other, "ExecuteQuery", { connection_id, sql: "SELECT 1" });
    expect(query[0]?.error).toMatch(/unknown connection_id/);
    other.close();
  });

  it("SQL errors come back OK with the error text; metrics and logs record the real status", async () => {
    const { connection_id } = await connect();
    const messages = await streamCall<QueryResponse>(client, "ExecuteQuery", {
      connection_id,
      sql: "SELECT * FROM no_such_table",
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.error).not.toBe("");
    const update = await unaryCall<{ rows_affected: number; error: string }>(client, "ExecuteUpdate", {
      connection_id,
      sql: "UPDATE no_such_table SET x = 1",
      parameters: [],
    });
    expect(update.error).not.toBe("");
    expect(update.rows_affected).toBe(-1);
    const metrics = await t.proxy.metrics.registry.metrics();
    expect(metrics).toMatch(
      /grpc_server_handled_total\{[^}]*grpc_service="informix.InformixService"[^}]*grpc_method="ExecuteQuery"[^}]*grpc_code="NotFound"/,
    );
    expect(metrics).toMatch(/grpc_method="ExecuteUpdate"[^}]*grpc_code="NotFound"/);
    const line = logs
      .records()
      .find((r) => r.method === "informix.InformixService/ExecuteUpdate" && r.code === "NotFound");
    expect(line, "an rpc log line with the real code").toBeDefined();
    expect(line?.caller).toBe("local");
    await unaryCall(client, "Disconnect", { connection_id });
  });
});

describe("compat.unmatched: refuse", () => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy("sqlite", { configPatch: { compat: { enabled: true, unmatched: "refuse" } } });
  });
  afterAll(async () => t?.close());

  it("a Connect naming no configured database: success=false, an error text, nothing opened", async () => {
    const client = legacyClient(t.address);
    const before = t.proxy.sessions.size;
    const response = await unaryCall<{ success: boolean; error: string; connection_id: string }>(client, "Connect", {
      host: "10.1.2.3",
      port: 9088,
      database: "stores_demo",
      username: "informix",
      password: "in4mix",
    });
    expect(response.success).toBe(false);
    expect(response.connection_id).toBe("");
    expect(response.error).toMatch(/not configured in this proxy/);
    expect(response.error).not.toContain("10.1.2.3");
    expect(t.proxy.sessions.size).toBe(before);
    const byName = await unaryCall<{ success: boolean }>(client, "Connect", { database: "main" });
    expect(byName.success).toBe(true);
    client.close();
  });
});

describe("compatibility service switched off (the default)", () => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy("sqlite");
  });
  afterAll(async () => t?.close());

  it("answers UNIMPLEMENTED", async () => {
    const client = legacyClient(t.address);
    const error = await unaryCall(client, "Connect", { database: "" }).catch((e: grpc.ServiceError) => e);
    client.close();
    expect((error as grpc.ServiceError).code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

describe("legacy Connect on a proxy with authentication", () => {
  const key = randomBytes(24).toString("base64url");
  const readerKey = randomBytes(24).toString("base64url");
  const sha256 = (k: string) => createHash("sha256").update(k).digest("hex");
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy("sqlite", {
      configPatch: {
        compat: { enabled: true, passwordAsBearer: true },
        auth: {
          apiKeys: [
            { name: "legacy-app", sha256: sha256(key), roles: ["writer"] },
            { name: "legacy-reader", sha256: sha256(readerKey), roles: ["reader"] },
          ],
        },
        roles: {
          writer: { databases: { main: { allow: ["read", "write"] } } },
          reader: { databases: { main: { allow: ["read"] } } },
        },
      },
    });
  });
  afterAll(async () => t?.close());

  it("the password carries the API key; the key's roles apply to every later call", async () => {
    const client = legacyClient(t.address);
    const refused = await unaryCall<{ success: boolean; error: string }>(client, "Connect", {
      database: "",
      username: "app",
      password: "not-a-key-of-this-proxy-at-all",
    });
    expect(refused.success).toBe(false);
    expect(refused.error).toBe("invalid credentials");
    const missing = await unaryCall<{ success: boolean; error: string }>(client, "Connect", { database: "" });
    expect(missing.success).toBe(false);
    expect(missing.error).toMatch(/missing credentials/);

    const reader = await unaryCall<{ success: boolean; connection_id: string }>(client, "Connect", {
      database: "",
      password: readerKey,
    });
    expect(reader.success).toBe(true);
    const [read] = await streamCall<QueryResponse>(client, "ExecuteQuery", {
      connection_id: reader.connection_id,
      sql: "SELECT count(*) FROM customer",
    });
    expect(read?.error).toBe("");
    const write = await unaryCall<{ error: string }>(client, "ExecuteUpdate", {
      connection_id: reader.connection_id,
      sql: "UPDATE customer SET city = city WHERE customer_id = 1",
    });
    expect(write.error).not.toBe(""); // a reader may not write, whatever connection the call arrives on
    const writer = await unaryCall<{ success: boolean; connection_id: string }>(client, "Connect", {
      database: "",
      password: key,
    });
    const update = await unaryCall<{ rows_affected: number; error: string }>(client, "ExecuteUpdate", {
      connection_id: writer.connection_id,
      sql: "UPDATE customer SET city = city WHERE customer_id = 1",
    });
    expect(update).toEqual({ rows_affected: 1, error: "" });
    for (const id of [reader.connection_id, writer.connection_id])
      await unaryCall(client, "Disconnect", { connection_id: id });
    client.close();
  });
});
