import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteDriver } from "../../src/db/drivers/sqlite/index.js";
import { driverContract } from "./driver-contract.js";

const dir = mkdtempSync(join(tmpdir(), "igp-sqlite-contract-"));

driverContract({
  name: "sqlite",
  createDriver: async () =>
    createSqliteDriver({
      driver: "sqlite",
      path: join(dir, "contract.db"),
      demo: false,
      readOnly: false,
      maxAbandonedStatements: 4,
      default: false,
      pool: undefined as never,
    }),
  types: {
    int: "INTEGER",
    bigint: "BIGINT",
    text: "TEXT",
    bytes: "BLOB",
    // TEXT affinity keeps the 32 digits exact (a plain DECIMAL column would store a lossy REAL).
    decimal32_10: "DECIMAL_TEXT(32,10)",
    date: "DATE",
    timestamp6: "TIMESTAMP",
    double: "REAL",
    bool: "BOOLEAN",
  },
  seriesSql: (n) => `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${n}) SELECT n FROM s`,
  // Steps row by row, so cancellation between slices stops it.
  longRunningSql:
    "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000000000) SELECT n FROM s",
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
