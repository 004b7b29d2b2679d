// The embedded SQLite driver on Node's built-in node:sqlite (no native build), one worker thread per
// connection (connection.ts). With demo: true a missing database file is created and filled with the demo
// schema on the first connect.
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { SqliteDatabaseConfig } from "../../../config/schema.js";
import { createDemoDatabase } from "../../demo/index.js";
import type { Connection, Driver } from "../../driver.js";
import { DbError } from "../../errors.js";
import { abandonedThreads } from "./abandoned-threads.js";
import { DEFAULT_BUSY_TIMEOUT_MS, IN_MEMORY, SqliteConnection } from "./connection.js";
import { WorkerStandby } from "./worker-standby.js";

export { abandonedThreads } from "./abandoned-threads.js";
export { SqliteConnection } from "./connection.js";

/** Given-up threads of one database still running, beyond which new connections are refused. */
export const DEFAULT_MAX_ABANDONED_THREADS = 4;

export interface SqliteDriver extends Driver {
  /** Settles once the demo file exists and a worker stands by (never rejects: connect reports failures). */
  readonly warmedUp: Promise<void>;
}

export function createSqliteDriver(config: SqliteDatabaseConfig, deps: { logger?: Logger } = {}): SqliteDriver {
  let demoReady: Promise<void> | undefined;
  const maxAbandonedThreads = config.maxAbandonedStatements ?? DEFAULT_MAX_ABANDONED_THREADS;
  const base = {
    readOnly: config.readOnly,
    maxAbandonedThreads,
    ...(deps.logger ? { logger: deps.logger } : {}),
  };
  // An in-memory database is private to its connection: a spare would only be an empty copy.
  const standby =
    config.path === IN_MEMORY
      ? undefined
      : new WorkerStandby({ path: config.path, readOnly: config.readOnly, busyTimeoutMs: DEFAULT_BUSY_TIMEOUT_MS });

  async function ensureDemoFile(): Promise<void> {
    if (!config.demo || config.path === IN_MEMORY || existsSync(config.path)) return;
    // Built under a temporary name and renamed: a crash midway never leaves a half-filled demo file.
    await mkdir(dirname(config.path), { recursive: true });
    const building = `${config.path}.building-${process.pid}`;
    await rm(building, { force: true });
    const connection = await SqliteConnection.open({ ...base, path: building, readOnly: false });
    try {
      await createDemoDatabase("sqlite", (sql) => connection.exec(sql));
    } catch (error) {
      await connection.close();
      await rm(building, { force: true });
      throw error;
    }
    await connection.close();
    await rename(building, config.path);
    deps.logger?.info({ path: config.path }, "created the demo database");
  }

  const demoFile = () => {
    demoReady ??= ensureDemoFile().catch((error: unknown) => {
      demoReady = undefined; // let the next connect try again
      throw error;
    });
    return demoReady;
  };
  // Started at once, so the first call does not wait for the demo file and a thread to start.
  const warmedUp = demoFile().then(
    () => standby?.warm(),
    () => undefined,
  );

  return {
    name: "sqlite",
    warmedUp,
    async connect(): Promise<Connection> {
      const running = abandonedThreads.count(config.path);
      if (running > maxAbandonedThreads) {
        // Each of them holds a CPU core until its SQLite step returns: more connections would only add more.
        throw new DbError(
          "resource_exhausted",
          `${running} abandoned SQLite statements are still running; new connections wait until they finish`,
        );
      }
      await demoFile();
      const connection = await SqliteConnection.open({
        ...base,
        path: config.path,
        ...(standby ? { workers: () => standby.take() } : {}),
      });
      // An in-memory database exists only inside its connection: each one gets its own demo copy.
      if (config.demo && config.path === IN_MEMORY) {
        await createDemoDatabase("sqlite", (sql) => connection.exec(sql));
      }
      return connection;
    },
    async close(): Promise<void> {
      await standby?.close();
    },
  };
}
