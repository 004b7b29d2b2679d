// A small workload that touches every RPC family and the common failures, for tests that read every signal a
// workload leaves behind (log lines, spans, metrics). Parameter values carry a marker so a test can prove they
// never reach a signal.
import { type Metadata, status } from "@grpc/grpc-js";
import type { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, execRequest, expectStatus, streamAll, v } from "./grpc-client.js";

export interface WorkloadOptions {
  /** A marker that appears in parameter values only. */
  marker: string;
  /** Metadata sent with every call (e.g. a traceparent). */
  metadata?: () => Metadata;
}

export async function runWorkload(client: SqlServiceClient, options: WorkloadOptions): Promise<void> {
  const { marker } = options;
  await call(client, "ping", { database: "" });
  await call(
    client,
    "execute",
    execRequest({ sql: "SELECT name FROM products WHERE name = ?", params: [v.str(marker)] }),
  );
  await streamAll(client, {
    sql: "SELECT product_id, name FROM products WHERE name <> ? ORDER BY product_id",
    params: [v.str(marker)],
    fetchSize: 2,
  });
  await call(client, "executeBatch", {
    database: "",
    sessionId: "",
    statements: [],
    sql: "SELECT ? AS a",
    parameterSets: [{ params: [v.str(`${marker}-1`)] }, { params: [v.str(`${marker}-2`)] }],
    atomic: false,
    timeoutMs: 0,
  });
  // Failures: a syntax error, a missing table, a bad parameter count, an unknown session.
  await expectStatus(
    call(client, "execute", execRequest({ sql: "SELEC ?", params: [v.str(marker)] })),
    status.INVALID_ARGUMENT,
  );
  await expectStatus(
    call(client, "execute", execRequest({ sql: "SELECT * FROM no_such_table WHERE a = ?", params: [v.str(marker)] })),
    status.NOT_FOUND,
  );
  await expectStatus(call(client, "execute", execRequest({ sql: "SELECT ?", params: [] })), status.INVALID_ARGUMENT);
  await expectStatus(call(client, "execute", execRequest({ sessionId: "nope", sql: "SELECT 1" })), status.NOT_FOUND);
  // A session with a transaction, held long enough for a short leak threshold to fire.
  const { sessionId } = await call<unknown, { sessionId: string }>(client, "openSession", { database: "" });
  await call(client, "beginTransaction", { sessionId, isolation: 0, readOnly: false });
  await call(
    client,
    "execute",
    execRequest({ sessionId, sql: "SELECT count(*) FROM products WHERE name = ?", params: [v.str(marker)] }),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  await call(client, "rollback", { sessionId });
  await call(client, "listTables", { database: "", schema: "", namePattern: "", includeViews: false });
  await call(client, "closeSession", { sessionId });
}
