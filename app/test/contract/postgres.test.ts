import { createPostgresDriver } from "../../src/db/drivers/postgres/index.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { driverContract } from "./driver-contract.js";

let db: TestDatabase | undefined;

driverContract({
  name: "postgres",
  createDriver: async () => {
    db = await createTestDatabase("contract");
    return createPostgresDriver(db.config, { credentials: db.credentials });
  },
  types: {
    int: "integer",
    bigint: "bigint",
    text: "text",
    bytes: "bytea",
    decimal32_10: "numeric(32,10)",
    date: "date",
    timestamp6: "timestamp(6)",
    double: "double precision",
    bool: "boolean",
  },
  seriesSql: (n) => `SELECT n FROM generate_series(1, ${n}) AS s(n)`,
  longRunningSql: "SELECT pg_sleep(30)",
  cleanup: async () => db?.drop(),
});
