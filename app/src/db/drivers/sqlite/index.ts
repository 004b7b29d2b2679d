// The embedded SQLite driver on Node's built-in node:sqlite (no native build). With demo: true a missing
// database file is created and filled with the demo schema on the first connect.
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Logger } from "pino";
import type { SqliteDatabaseConfig } from "../../../config/schema.js";
import { createDemoDatabase } from "../../demo/index.js";
import type { Connection, Driver } from "../../driver.js";
import { SqliteConnection } from "./connection.js";
import { mapSqliteError } from "./errors.js";

export { SqliteConnection } from "./connection.js";

const IN_MEMORY = ":memory:";

export function createSqliteDriver(config: SqliteDatabaseConfig, deps: { logger?: Logger } = {}): Driver {
  let demoReady: Promise<void> | undefined;

  async function ensureDemoFile(): Promise<void> {
    if (!config.demo || config.path === IN_MEMORY || existsSync(config.path)) return;
    // Built under a temporary name and renamed: a crash midway never leaves a half-filled demo file.
    await mkdir(dirname(config.path), { recursive: true });
    const building = `${config.path}.building-${process.pid}`;
    await rm(building, { force: true });
    const db = new DatabaseSync(building);
    try {
      await createDemoDatabase("sqlite", (sql) => db.exec(sql));
    } catch (error) {
      db.close();
      await rm(building, { force: true });
      throw mapSqliteError(error);
    }
    db.close();
    await rename(building, config.path);
    deps.logger?.info({ path: config.path }, "created the demo database");
  }

  return {
    name: "sqlite",
    async connect(): Promise<Connection> {
      demoReady ??= ensureDemoFile().catch((error: unknown) => {
        demoReady = undefined; // let the next connect try again
        throw error;
      });
      await demoReady;
      const connection = new SqliteConnection({ path: config.path, readOnly: config.readOnly });
      // An in-memory database exists only inside its connection: each one gets its own demo copy.
      if (config.demo && config.path === IN_MEMORY) {
        await createDemoDatabase("sqlite", (sql) => connection.database.exec(sql));
      }
      return connection;
    },
    async close(): Promise<void> {},
  };
}
