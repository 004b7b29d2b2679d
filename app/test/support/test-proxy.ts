// Starts a real proxy in this process on ephemeral loopback ports, backed by SQLite (demo database in a temp
// folder) or by a fresh database on the run's embedded PostgreSQL with the demo schema loaded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/loader.js";
import type { ProxyConfig } from "../../src/config/schema.js";
import { createDemoDatabase } from "../../src/db/demo/index.js";
import type { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createLogger, type Logger } from "../../src/observability/logger.js";
import type { StatementGuard } from "../../src/policy/statement-guard.js";
import { type RunningProxy, startProxy } from "../../src/proxy.js";
import type { IdentityResolver } from "../../src/transport/interceptors/identity.js";
import { newClient } from "./grpc-client.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";

export type TestDriver = "sqlite" | "postgres";
export const DRIVERS: TestDriver[] = ["sqlite", "postgres"];

export interface TestProxy {
  proxy: RunningProxy;
  client: SqlServiceClient;
  address: string;
  newClient(): SqlServiceClient;
  config: ProxyConfig;
  pg: TestDatabase | undefined;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** Deep-merged into the generated configuration input. */
  configPatch?: Record<string, unknown>;
  pool?: Record<string, unknown>;
  logger?: Logger;
  /** Replaces the proxy's caller identification (tests of authorization without credentials). */
  identity?: IdentityResolver;
  /** Replaces the statement guard (tests of the database's own wall behind a guard that is wrong). */
  guard?: StatementGuard;
}

const PASSWORD_VARIABLE = "IGP_TEST_PG_PASSWORD";

export async function startTestProxy(driver: TestDriver, options: TestProxyOptions = {}): Promise<TestProxy> {
  const dir = mkdtempSync(join(tmpdir(), "igp-"));
  let pg: TestDatabase | undefined;
  const env: Record<string, string | undefined> = {};
  let database: Record<string, unknown>;
  if (driver === "sqlite") {
    database = { driver: "sqlite", path: join(dir, "demo.db"), demo: true, default: true, pool: options.pool ?? {} };
  } else {
    pg = await createTestDatabase("e2e");
    const server = inject("postgres");
    await createDemoDatabase("postgres", (sql) => pg?.admin(sql));
    env[PASSWORD_VARIABLE] = server.password;
    database = {
      driver: "postgres",
      host: pg.config.host,
      port: pg.config.port,
      database: pg.config.database,
      user: server.user,
      password: { env: PASSWORD_VARIABLE },
      default: true,
      pool: options.pool ?? {},
    };
  }
  const input = deepMerge(
    {
      server: { host: "127.0.0.1", grpcPort: 0, httpPort: 0, drainTimeoutMs: 2000 },
      databases: { main: database },
      logging: { level: "silent" },
      audit: { enabled: false },
      // The test process also runs vitest's own work on its event loop: shedding would refuse calls at random.
      overload: { maxEventLoopDelayMs: 0 },
    },
    options.configPatch ?? {},
  );
  const config = parseConfig(input);
  const logger = options.logger ?? createLogger("silent");
  const proxy = await startProxy({
    config,
    logger,
    env,
    healthIntervalMs: 200,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.guard ? { guard: options.guard } : {}),
  });
  const address = `127.0.0.1:${proxy.grpcPort}`;
  const clients: SqlServiceClient[] = [];
  const make = () => {
    const c = newClient(address);
    clients.push(c);
    return c;
  };
  const client = make();
  return {
    proxy,
    client,
    address,
    newClient: make,
    config,
    pg,
    async close() {
      for (const c of clients) c.close();
      await proxy.stop();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
