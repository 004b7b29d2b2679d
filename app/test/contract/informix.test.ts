// The driver contract against a real Informix server, only where one is reachable (the GitHub Actions
// workflow starts IBM's developer container). INFORMIX_TEST_URL looks like
//   informix://user:password@host:9089/database?server=informix
// (the DRDA port; `server` is the INFORMIXSERVER name of the drsoctcp listener).
import pino from "pino";
import { describe, it } from "vitest";
import type { InformixDatabaseConfig } from "../../src/config/schema.js";
import { PoolConfig } from "../../src/config/schema.js";
import { createDriver } from "../../src/db/drivers/index.js";
import { driverContract } from "./driver-contract.js";

const url = process.env.INFORMIX_TEST_URL;

if (!url) {
  describe.skip("driver contract: informix (skipped: set INFORMIX_TEST_URL to run it against a server)", () => {
    it("needs an Informix server", () => {});
  });
} else {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const config: InformixDatabaseConfig = {
    driver: "informix",
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 9089,
    database: parsed.pathname.replace(/^\//, ""),
    server: parsed.searchParams.get("server") ?? undefined,
    protocol: "TCPIP",
    delimident: false,
    user,
    options: {},
    default: false,
    pool: PoolConfig.parse({}),
  };
  driverContract({
    name: "informix",
    createDriver: () =>
      createDriver("informix-test", config, {
        credentials: async () => ({ user, password }),
        logger: pino({ level: "silent" }),
      }),
    types: {
      int: "INTEGER",
      bigint: "BIGINT",
      text: "VARCHAR(255)",
      bytes: "BYTE",
      decimal32_10: "DECIMAL(32,10)",
      date: "DATE",
      timestamp6: "DATETIME YEAR TO FRACTION(5)",
      double: "FLOAT",
      bool: "BOOLEAN",
    },
    timestampFractionDigits: 5,
    seriesSql: (n) => `SELECT LEVEL AS n FROM sysmaster:sysdual CONNECT BY LEVEL <= ${n}`,
    longRunningSql: "SELECT COUNT(*) FROM systables a, systables b, systables c, systables d, systables e",
  });
}
