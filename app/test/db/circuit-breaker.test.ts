// The circuit breaker in front of a real PostgreSQL pool. Faults come from a loopback TCP relay in front of
// the run's server (support/tcp-relay.ts): cut = the database vanished (connections reset, connects
// refused), freeze = a partition (sockets open, no byte moves). Connect attempts are counted at the pool's
// connect function, so "without touching the database" is an exact count.
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CircuitBreakerConfig, PoolConfig } from "../../src/config/schema.js";
import { CircuitOpenError, DatabaseCircuit } from "../../src/db/circuit-breaker.js";
import { CircuitBreakingPool } from "../../src/db/circuit-breaking-pool.js";
import { createPostgresDriver } from "../../src/db/drivers/postgres/index.js";
import { DbError } from "../../src/db/errors.js";
import { ConnectionPool } from "../../src/db/pool.js";
import type { Lease } from "../../src/db/pool-types.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { startTcpRelay, type TcpRelay } from "../support/tcp-relay.js";

const holder = { rpc: "/informix.proxy.v1.SqlService/Execute" };
const breakerDefaults: CircuitBreakerConfig = {
  enabled: true,
  consecutiveFailures: 3,
  failureRatio: 0.5,
  windowMs: 10_000,
  minimumRps: 1000, // the ratio stays out of the way unless a test asks for it
  halfOpenAfterMs: 300,
};

let db: TestDatabase;
let relay: TcpRelay;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await createTestDatabase("breaker");
});
afterAll(async () => {
  await db.drop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function logLines(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

async function setup(options: { pool?: Partial<PoolConfig>; breaker?: Partial<CircuitBreakerConfig> } = {}) {
  relay = await startTcpRelay({ host: db.config.host, port: db.config.port });
  const poolConfig = PoolConfig.parse({
    max: 3,
    acquireTimeoutMs: 3000,
    validationTimeoutMs: 500,
    ...options.pool,
  });
  const driver = createPostgresDriver(
    { ...db.config, port: relay.port, pool: poolConfig },
    { credentials: db.credentials, logger: pino({ level: "silent" }), connectTimeoutMs: 2000 },
  );
  const { logger, lines } = logLines();
  const circuit = new DatabaseCircuit({ database: "pg", config: { ...breakerDefaults, ...options.breaker }, logger });
  let connects = 0;
  const inner = new ConnectionPool({
    database: "pg",
    config: poolConfig,
    connect: () => {
      connects += 1;
      return driver.connect();
    },
    logger: pino({ level: "silent" }),
    maintenanceIntervalMs: 50,
    mayOpenInBackground: () => circuit.allowsBackgroundConnects(),
    backgroundConnectFailed: (error) => void circuit.recordFailure(error),
  });
  const pool = new CircuitBreakingPool(inner, circuit);
  cleanups.push(async () => {
    await pool.close(500);
    await relay.close();
  });
  return { pool, inner, circuit, lines, connects: () => connects };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never became true: ${what}`);
}

async function untilAsync(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never became true: ${what}`);
}

async function sleepingBackends(): Promise<number> {
  const result = await db.admin(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'",
  );
  return (result.rows[0] as { n: number }).n;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

async function openByRefusedConnects(pool: CircuitBreakingPool, circuit: DatabaseCircuit): Promise<void> {
  await relay.cut();
  for (let i = 0; i < 3; i++) await failure(pool.acquire(holder));
  expect(circuit.state).toBe("open");
}

describe("circuit breaker per database", () => {
  it("opens after consecutive refused connects, then fails fast with a retry delay without connecting", async () => {
    const { pool, circuit, connects, lines } = await setup();
    await relay.cut();
    for (let i = 0; i < 3; i++) {
      const error = await failure(pool.acquire(holder));
      expect(error).toBeInstanceOf(DbError);
      expect(error).not.toBeInstanceOf(CircuitOpenError);
    }
    expect(circuit.state).toBe("open");
    const attempts = connects();
    const errors = await Promise.all(Array.from({ length: 50 }, () => failure(pool.acquire(holder))));
    for (const error of errors) {
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect((error as CircuitOpenError).retryAfterMs).toBeGreaterThan(0);
      expect((error as CircuitOpenError).retryAfterMs).toBeLessThanOrEqual(300);
      expect((error as CircuitOpenError).retryDelayMs).toBe((error as CircuitOpenError).retryAfterMs);
    }
    expect(connects()).toBe(attempts);
    const opened = lines.filter((l) => l.msg === "circuit breaker open");
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ database: "pg", from: "closed", to: "open" });
  });

  it("SQL errors and statement timeouts the database acknowledged do not open it", async () => {
    // A generous grace: on a busy machine a cancel through the relay may take a while to be answered.
    const { pool, circuit } = await setup({ pool: { cancelGraceMs: 2000 } });
    for (let i = 0; i < 6; i++) {
      const lease = await pool.acquire(holder);
      const syntax = await failure(lease.connection.execute({ sql: "SELEC 1" }, [], {}));
      expect((syntax as DbError).kind).toBe("invalid_statement");
      // Cancelled once it runs: a cancel that reaches the server before the statement does is a no-op.
      const controller = new AbortController();
      const running = failure(
        lease.connection.execute({ sql: "SELECT pg_sleep(5)" }, [], { signal: controller.signal }),
      );
      await untilAsync(async () => (await sleepingBackends()) > 0, "pg_sleep running");
      controller.abort();
      const timeout = await running;
      expect((timeout as DbError).kind).toBe("timeout");
      expect((timeout as DbError).connectionBroken).toBe(false);
      await lease.release();
    }
    expect(circuit.state).toBe("closed");
  });

  it("half-open lets exactly one probe through, the others fail fast, and a good probe closes it", async () => {
    const { pool, circuit, connects, lines } = await setup();
    await openByRefusedConnects(pool, circuit);
    await relay.restore();
    await until(() => circuit.retryAfterMs() === 0, "probe due");
    const before = connects();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => pool.acquire(holder)));
    const leases = results
      .filter((r) => r.status === "fulfilled")
      .map((r) => (r as PromiseFulfilledResult<Lease>).value);
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(leases).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const error of refused) expect(error).toBeInstanceOf(CircuitOpenError);
    expect(connects() - before).toBe(1);
    expect(circuit.state).toBe("closed");
    await leases[0]?.release();
    expect(lines.map((l) => `${l.from}->${l.to}`)).toEqual(["closed->open", "open->half_open", "half_open->closed"]);
  });

  it("a failed probe opens it again for another halfOpenAfterMs", async () => {
    const { pool, circuit } = await setup();
    await openByRefusedConnects(pool, circuit);
    await until(() => circuit.retryAfterMs() === 0, "probe due");
    const probe = await failure(pool.acquire(holder));
    expect(probe).not.toBeInstanceOf(CircuitOpenError);
    expect(circuit.state).toBe("open");
    expect(circuit.retryAfterMs()).toBeGreaterThan(0);
  });

  it("statements abandoned on a frozen server count: it opens, and the next calls fail fast", async () => {
    const { pool, circuit, connects } = await setup();
    const warm = await Promise.all([1, 2, 3].map(() => pool.acquire(holder)));
    await Promise.all(warm.map((l) => l.release()));
    relay.freeze();
    for (let i = 0; i < 3; i++) {
      const lease = await pool.acquire(holder);
      const error = await failure(
        lease.connection.execute({ sql: "SELECT 1" }, [], { signal: AbortSignal.timeout(30) }),
      );
      expect((error as DbError).kind).toBe("timeout");
      expect((error as DbError).connectionBroken).toBe(true);
      await lease.release();
    }
    expect(circuit.state).toBe("open");
    const attempts = connects();
    expect(await failure(pool.acquire(holder))).toBeInstanceOf(CircuitOpenError);
    expect(connects()).toBe(attempts);
    relay.resume();
  });

  it("callers already waiting for a connection are told at once when it opens", async () => {
    const { pool, circuit } = await setup({ pool: { max: 1, acquireTimeoutMs: 60_000 } });
    const held = await pool.acquire(holder);
    const waiting = [failure(pool.acquire(holder)), failure(pool.acquire(holder))];
    const lost = new DbError("unavailable", "connection to the database lost", { connectionBroken: true });
    for (let i = 0; i < 3; i++) await circuit.recordFailure(lost);
    expect(circuit.state).toBe("open");
    for (const error of await Promise.all(waiting)) expect(error).toBeInstanceOf(CircuitOpenError);
    await held.release();
  });

  it("a session's statements fail fast while it is open, without touching the database", async () => {
    const { pool, circuit } = await setup();
    const session = await pool.acquire({ ...holder, sessionId: "s-1" });
    const lost = new DbError("unavailable", "connection to the database lost", { connectionBroken: true });
    for (let i = 0; i < 3; i++) await circuit.recordFailure(lost);
    expect(circuit.state).toBe("open");
    expect(await failure(session.connection.execute({ sql: "SELECT 1" }, [], {}))).toBeInstanceOf(CircuitOpenError);
    expect(session.connection.broken).toBe(false);
    await session.release();
  });

  it("minIdle is not refilled while it is open, and is once it closed", async () => {
    const { pool, inner, circuit, connects } = await setup({ pool: { minIdle: 2 } });
    await until(() => inner.stats().idle === 2, "minIdle filled");
    await relay.cut();
    await until(() => inner.stats().idle === 0, "idle connections gone with the relay");
    // Failed refills count too; callers' refused connects do the rest.
    for (let i = 0; i < 10 && circuit.state !== "open"; i++) await failure(pool.acquire(holder));
    expect(circuit.state).toBe("open");
    await until(() => inner.stats().total === 0, "nothing left on the books");
    const attempts = connects();
    // Twenty maintenance rounds (every 50 ms) while the circuit is open: none may connect.
    await new Promise((r) => setTimeout(r, 1000));
    expect(circuit.state).toBe("open");
    expect(connects()).toBe(attempts);
    await relay.restore();
    await until(() => circuit.retryAfterMs() === 0, "probe due");
    const probe = await pool.acquire(holder);
    await probe.release();
    expect(circuit.state).toBe("closed");
    await until(() => inner.stats().idle === 2, "minIdle refilled");
  });

  it("also opens on a failure ratio over the window, not only on failures in a row", async () => {
    const { logger } = logLines();
    const circuit = new DatabaseCircuit({
      database: "ratio",
      config: { ...breakerDefaults, consecutiveFailures: 1000, failureRatio: 0.5, windowMs: 5000, minimumRps: 1 },
      logger,
    });
    const lost = new DbError("unavailable", "connection to the database lost", { connectionBroken: true });
    const sqlError = new DbError("invalid_statement", "syntax error");
    let calls = 0;
    while (circuit.state === "closed" && calls < 200) {
      calls += 1;
      // Two lost connections for every success; SQL errors in between count for nothing.
      await failure(circuit.run(async () => undefined));
      await failure(circuit.run(() => Promise.reject(sqlError)));
      await failure(circuit.run(() => Promise.reject(lost)));
      await failure(circuit.run(() => Promise.reject(lost)));
    }
    expect(circuit.state).toBe("open");
    expect(calls).toBeLessThan(200);
  });

  it("disabled, it never opens", async () => {
    const { logger } = logLines();
    const circuit = new DatabaseCircuit({ database: "off", config: { ...breakerDefaults, enabled: false }, logger });
    const lost = new DbError("unavailable", "connection to the database lost", { connectionBroken: true });
    for (let i = 0; i < 20; i++) await failure(circuit.run(() => Promise.reject(lost)));
    expect(circuit.state).toBe("closed");
    expect(await circuit.run(async () => 42)).toBe(42);
  });
});
