import pino from "pino";
import { describe, expect, it } from "vitest";
import type { DatabaseConfig } from "../../../src/config/schema.js";
import { PoolConfig } from "../../../src/config/schema.js";
import { createDriver } from "../../../src/db/drivers/index.js";
import { DbError } from "../../../src/db/errors.js";
import { createTestDatabase } from "../../support/postgres.js";

const deps = { credentials: async () => undefined, logger: pino({ level: "silent" }) };

describe("createDriver", () => {
  it("builds the sqlite driver", async () => {
    const driver = await createDriver(
      "demo",
      {
        driver: "sqlite",
        path: ":memory:",
        demo: true,
        readOnly: false,
        maxAbandonedStatements: 4,
        default: true,
        pool: PoolConfig.parse({}),
      },
      deps,
    );
    expect(driver.name).toBe("sqlite");
    const c = await driver.connect();
    expect(await c.serverVersion()).toMatch(/^SQLite \d+\.\d+/);
    await c.close();
  });

  it("builds the postgres driver", async () => {
    const db = await createTestDatabase("factory");
    try {
      const driver = await createDriver("pg", db.config, { ...deps, credentials: db.credentials });
      expect(driver.name).toBe("postgres");
      const c = await driver.connect();
      expect(await c.serverVersion()).toMatch(/^PostgreSQL \d+/);
      await c.close();
    } finally {
      await db.drop();
    }
  });

  it("refuses an unknown driver as unsupported", async () => {
    const error = await createDriver("x", { driver: "oracle" } as unknown as DatabaseConfig, deps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).kind).toBe("unsupported");
  });
});
