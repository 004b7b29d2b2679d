// Liveness, readiness per database and the circuit breaker as a client and an orchestrator see them: a proxy
// with two databases, the embedded SQLite "main" and PostgreSQL "pg" reached through a TCP relay that the
// test cuts and restores. /readyz, /readyz/<name> and grpc.health.v1.Health must tell the same story, one
// database down must not take the other off the air, and /healthz never asks a database.

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Client, credentials, loadPackageDefinition, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/loader.js";
import type { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { type RunningProxy, startProxy } from "../../src/proxy.js";
import { call, execRequest, expectStatus, newClient } from "../support/grpc-client.js";
import { captureLogs } from "../support/log-capture.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { startTcpRelay, type TcpRelay } from "../support/tcp-relay.js";

const require = createRequire(import.meta.url);
const HALF_OPEN_AFTER_MS = 500;

type HealthClient = Client & { Check(r: unknown, cb: (e: Error | null, r: { status: string }) => void): void };

let proxy: RunningProxy;
let client: SqlServiceClient;
let health: HealthClient;
let relay: TcpRelay;
let db: TestDatabase;
let dir: string;
const logs = captureLogs("info");

beforeAll(async () => {
  db = await createTestDatabase("health");
  relay = await startTcpRelay({ host: db.config.host, port: db.config.port });
  dir = mkdtempSync(join(tmpdir(), "igp-health-"));
  const server = inject("postgres");
  const config = parseConfig({
    server: { host: "127.0.0.1", grpcPort: 0, httpPort: 0, drainTimeoutMs: 2000, readinessIntervalMs: 200 },
    logging: { level: "info" },
    audit: { enabled: false },
    databases: {
      main: { driver: "sqlite", path: join(dir, "demo.db"), demo: true, default: true },
      pg: {
        driver: "postgres",
        host: "127.0.0.1",
        port: relay.port,
        database: db.config.database,
        user: server.user,
        password: { env: "IGP_HEALTH_PG_PASSWORD" },
        pool: { max: 1, acquireTimeoutMs: 3000 },
        circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
      },
    },
  });
  proxy = await startProxy({ config, logger: logs.logger, env: { IGP_HEALTH_PG_PASSWORD: server.password } });
  client = newClient(`127.0.0.1:${proxy.grpcPort}`);
  const healthProto = require.resolve("grpc-health-check/proto/health/v1/health.proto");
  const definition = loadPackageDefinition(
    loadSync(healthProto, { includeDirs: [dirname(healthProto)], enums: String }),
  );
  const Health = (definition.grpc as never as { health: { v1: { Health: new (...a: unknown[]) => HealthClient } } })
    .health.v1.Health;
  health = new Health(`127.0.0.1:${proxy.grpcPort}`, credentials.createInsecure());
});

afterAll(async () => {
  health?.close();
  client?.close();
  await proxy?.stop();
  await relay?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const http = (path: string) => fetch(`http://127.0.0.1:${proxy.httpPort}${path}`);

function grpcHealth(service: string): Promise<string> {
  return new Promise((resolve, reject) => health.Check({ service }, (e, r) => (e ? reject(e) : resolve(r.status))));
}

/** The two doors read at one moment: HTTP readiness codes and gRPC statuses per name. */
async function doors() {
  const [overall, main, pg] = await Promise.all([http("/readyz"), http("/readyz/main"), http("/readyz/pg")]);
  const [grpcOverall, grpcMain, grpcPg] = await Promise.all([grpcHealth(""), grpcHealth("main"), grpcHealth("pg")]);
  return {
    http: { overall: overall.status, main: main.status, pg: pg.status },
    grpc: { overall: grpcOverall, main: grpcMain, pg: grpcPg },
    pgBody: (await pg.json()) as Record<string, unknown>,
  };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 150; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: last seen ${JSON.stringify(last)}`);
}

async function circuitGauge(): Promise<string | undefined> {
  const text = await (await http("/metrics")).text();
  return /proxy_circuit_state\{database="pg"\} (\d)/.exec(text)?.[1];
}

describe("health and readiness per database", () => {
  it("both databases ready: every door says so, per name and overall", async () => {
    const seen = await eventually(doors, (d) => d.http.pg === 200 && d.grpc.pg === "SERVING", "pg ready");
    expect(seen.http).toEqual({ overall: 200, main: 200, pg: 200 });
    expect(seen.grpc).toEqual({ overall: "SERVING", main: "SERVING", pg: "SERVING" });
    expect(await grpcHealth("informix.proxy.v1.SqlService")).toBe("SERVING");
    expect(seen.pgBody).toMatchObject({ status: "ready", database: "pg", ready: true, circuit: "closed" });
    const body = (await (await http("/readyz")).json()) as { databases: Array<{ database: string; ready: boolean }> };
    expect(body.databases.map((d) => [d.database, d.ready])).toEqual([
      ["main", true],
      ["pg", true],
    ]);
    expect((await http("/readyz/nope")).status).toBe(404);
    expect((await http("/readyz/%zz")).status).toBe(404);
    expect(await circuitGauge()).toBe("0");
  });

  it("/readyz never waits for a pool slot: it answers while the only connection is held by a session", async () => {
    const session = await call<unknown, { sessionId: string }>(client, "openSession", { database: "pg" });
    try {
      const res = await http("/readyz/pg");
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ready: true });
    } finally {
      await call(client, "closeSession", { sessionId: session.sessionId });
    }
  });

  it("PostgreSQL gone: calls fail fast with RetryInfo, pg is not ready, main still is, /healthz stays 200", async () => {
    await relay.cut();
    // The first calls find the database gone and open the circuit.
    for (let i = 0; i < 6; i++) {
      await expectStatus(call(client, "execute", execRequest({ database: "pg", sql: "SELECT 1" })), status.UNAVAILABLE);
    }
    const { error, retryInfo, errorInfo } = await expectStatus(
      call(client, "execute", execRequest({ database: "pg", sql: "SELECT 1" })),
      status.UNAVAILABLE,
      "CIRCUIT_OPEN",
    );
    const retryMs =
      Number(retryInfo?.retryDelay?.seconds ?? 0) * 1000 + Math.round((retryInfo?.retryDelay?.nanos ?? 0) / 1e6);
    expect(retryMs).toBeGreaterThan(0);
    expect(retryMs).toBeLessThanOrEqual(HALF_OPEN_AFTER_MS);
    expect(errorInfo?.metadata?.database).toBe("pg");
    expect(error.details).not.toMatch(/127\.0\.0\.1|:\d{4,5}\b/);

    const seen = await eventually(doors, (d) => d.http.pg === 503 && d.grpc.pg === "NOT_SERVING", "pg not ready");
    expect(seen.http).toEqual({ overall: 200, main: 200, pg: 503 });
    expect(seen.grpc).toEqual({ overall: "SERVING", main: "SERVING", pg: "NOT_SERVING" });
    expect(seen.pgBody).toMatchObject({ status: "not ready", ready: false });
    expect((await http("/healthz")).status).toBe(200);
    expect(await circuitGauge()).toMatch(/^[12]$/);
    const ok = await call<unknown, { rows: unknown[] }>(client, "execute", execRequest({ sql: "SELECT 1" }));
    expect(ok.rows).toHaveLength(1);
  });

  it("PostgreSQL back: the health probe closes the circuit without any client call, and every door follows", async () => {
    await relay.restore();
    const seen = await eventually(doors, (d) => d.http.pg === 200 && d.grpc.pg === "SERVING", "pg ready again");
    expect(seen.http).toEqual({ overall: 200, main: 200, pg: 200 });
    expect(seen.grpc).toEqual({ overall: "SERVING", main: "SERVING", pg: "SERVING" });
    expect(await circuitGauge()).toBe("0");
    const ok = await call<unknown, { rows: unknown[] }>(
      client,
      "execute",
      execRequest({ database: "pg", sql: "SELECT 1" }),
    );
    expect(ok.rows).toHaveLength(1);
    const transitions = logs
      .records()
      .filter((r) => typeof r.msg === "string" && (r.msg as string).startsWith("circuit breaker"))
      .map((r) => `${r.from}->${r.to}`);
    expect(transitions[0]).toBe("closed->open");
    expect(transitions.at(-1)).toBe("half_open->closed");
    // Each transition is one line: never the same state twice in a row.
    for (let i = 1; i < transitions.length; i++) {
      expect(transitions[i]?.split("->")[0]).toBe(transitions[i - 1]?.split("->")[1]);
    }
  });
});
