// The lock-up of issue 10, kept as a test: 16 callers run point queries through the real proxy (gRPC over
// loopback) against a PostgreSQL of this file's own, the postmaster is killed with SIGKILL and started again
// on the same port and data, several times in a row; afterwards the pool's books must agree with the
// server's own view (pg_stat_activity): zero connections stuck "active", zero the pool does not know of.
// Before the fix every pool connection stayed active forever and every later call waited for its deadline.
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPostgres, startEmbeddedPostgres } from "../../bench/driver-embedded-postgres.js";
import { parseConfig } from "../../src/config/loader.js";
import { ExecuteRequest, type SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createLogger } from "../../src/observability/logger.js";
import { type RunningProxy, startProxy } from "../../src/proxy.js";
import { newClient } from "../support/grpc-client.js";

const APPLICATION = "igp-fault-kill";
const CALLERS = 16;
const CYCLES = 3;
const DEADLINE_MS = 2000;

let server: RunningPostgres;
let proxy: RunningProxy;
let client: SqlServiceClient;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const admin = new pg.Client(server.info);
  await admin.connect();
  await admin.query(
    "CREATE TABLE items AS SELECT i::bigint AS id, 'item ' || i AS name FROM generate_series(1, 1000) i; ALTER TABLE items ADD PRIMARY KEY (id)",
  );
  await admin.end();
  const config = parseConfig({
    server: { host: "127.0.0.1", grpcPort: 0, httpPort: 0, drainTimeoutMs: 2000, readinessIntervalMs: 200 },
    logging: { level: "silent" },
    audit: { enabled: false },
    databases: {
      main: {
        driver: "postgres",
        host: server.info.host,
        port: server.info.port,
        database: server.info.database,
        user: server.info.user,
        password: { env: "IGP_FAULT_PG_PASSWORD" },
        applicationName: APPLICATION,
        pool: { max: 10, acquireTimeoutMs: 1500 },
        circuitBreaker: { halfOpenAfterMs: 500 },
      },
    },
  });
  proxy = await startProxy({
    config,
    logger: createLogger("silent"),
    env: { IGP_FAULT_PG_PASSWORD: server.info.password },
  });
  client = newClient(`127.0.0.1:${proxy.grpcPort}`);
}, 120_000);

afterAll(async () => {
  client?.close();
  await proxy?.stop();
  await server?.stop();
});

function pointQuery(id: number): Promise<string> {
  const request = ExecuteRequest.fromPartial({
    sql: "SELECT id, name FROM items WHERE id = ?",
    params: [{ kind: { $case: "int64Value", value: BigInt(id) } }],
  });
  return new Promise((resolve) =>
    client.execute(request, new Metadata(), { deadline: Date.now() + DEADLINE_MS }, (error: ServiceError | null) =>
      resolve(error ? status[error.code] : "OK"),
    ),
  );
}

async function until(condition: () => boolean | Promise<boolean>, what: string, bound = 20_000): Promise<void> {
  const end = Date.now() + bound;
  while (Date.now() < end) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never became true within ${bound} ms: ${what}`);
}

async function serverSideConnections(): Promise<number> {
  const admin = new pg.Client(server.info);
  await admin.connect();
  try {
    const result = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [
      APPLICATION,
    ]);
    return (result.rows[0] as { n: number }).n;
  } finally {
    await admin.end();
  }
}

describe("PostgreSQL killed with SIGKILL under load, again and again", () => {
  it("keeps the pool's books equal to pg_stat_activity: nothing stuck, nothing leaked", async () => {
    const outcomes = new Map<string, number>();
    let okSinceRestart = 0;
    let running = true;
    const callers = Array.from({ length: CALLERS }, async (_, n) => {
      for (let i = n; running; i += CALLERS) {
        const outcome = await pointQuery((i % 1000) + 1);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (outcome === "OK") okSinceRestart += 1;
      }
    });
    try {
      await until(() => okSinceRestart > 100, "calls succeed before the first kill");
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        server.kill("SIGKILL");
        await new Promise((r) => setTimeout(r, 1000));
        await server.restart();
        okSinceRestart = 0;
        await until(() => okSinceRestart > 50, `calls succeed again after restart ${cycle + 1}`);
      }
    } finally {
      running = false;
      await Promise.all(callers);
    }
    const stats = proxy.databases.find("main")?.pool.stats();
    expect(stats?.active).toBe(0);
    // Closes of replaced connections finish in the background: wait for the two views to meet, then compare.
    await until(
      async () => (await serverSideConnections()) === proxy.databases.find("main")?.pool.stats().total,
      "books match pg_stat_activity",
    );
    expect(await serverSideConnections()).toBe(proxy.databases.find("main")?.pool.stats().total);
    expect(proxy.databases.find("main")?.pool.stats()).toMatchObject({ active: 0, pending: 0 });
    // What callers saw: successes, and the retriable codes of an outage, never an internal error.
    expect([...outcomes.keys()].every((code) => ["OK", "UNAVAILABLE", "DEADLINE_EXCEEDED"].includes(code))).toBe(true);
    expect(outcomes.get("OK")).toBeGreaterThan(0);
    const ready = await fetch(`http://127.0.0.1:${proxy.httpPort}/readyz/main`);
    expect(ready.status).toBe(200);
  }, 180_000);
});
