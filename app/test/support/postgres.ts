// Gives each test file its own fresh database on the run's embedded PostgreSQL, so files can run in
// parallel without seeing each other's tables.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { PoolConfig, type PostgresDatabaseConfig } from "../../src/config/schema.js";
import type { CredentialSource } from "../../src/db/driver.js";

export interface TestDatabase {
  config: PostgresDatabaseConfig;
  credentials: CredentialSource;
  /** Runs SQL as the superuser on the test database (setup and inspection outside the driver). */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = "t"): Promise<TestDatabase> {
  const server = inject("postgres");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const maintenance = new pg.Client({ ...server });
  await maintenance.connect();
  try {
    await maintenance.query(`CREATE DATABASE "${name}"`);
  } finally {
    await maintenance.end();
  }
  const adminClient = new pg.Client({ ...server, database: name });
  await adminClient.connect();
  const config: PostgresDatabaseConfig = {
    driver: "postgres",
    host: server.host,
    port: server.port,
    database: name,
    ssl: "disable",
    applicationName: "igp-test",
    default: false,
    pool: PoolConfig.parse({}),
  };
  return {
    config,
    credentials: async () => ({ user: server.user, password: server.password }),
    admin: (sql, params) => adminClient.query(sql, params),
    async drop() {
      await adminClient.end();
      const cleanup = new pg.Client({ ...server });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
