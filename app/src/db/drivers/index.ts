// Chooses the driver for a configured database. Informix is loaded on demand: its native module
// (ibm_db) is only installed where Informix is used.
import type { Logger } from "pino";
import type { DatabaseConfig } from "../../config/schema.js";
import { loadPostgresParser } from "../../sql/postgres/parser.js";
import type { CredentialSource, Driver } from "../driver.js";
import { DbError } from "../errors.js";
import { createPostgresDriver } from "./postgres/index.js";
import { createSqliteDriver } from "./sqlite/index.js";

export interface DriverDeps {
  credentials: CredentialSource;
  logger: Logger;
}

interface InformixModule {
  createInformixDriver(config: DatabaseConfig, deps: DriverDeps): Driver | Promise<Driver>;
}

// A variable, not a literal: the module may be absent from a build, and tsc must not require it.
const INFORMIX_MODULE = "./informix/index.js";

export async function createDriver(name: string, config: DatabaseConfig, deps: DriverDeps): Promise<Driver> {
  switch (config.driver) {
    case "sqlite": {
      const driver = createSqliteDriver(config, { logger: deps.logger });
      await driver.warmedUp;
      return driver;
    }
    case "postgres":
      // Statements for PostgreSQL are parsed by PostgreSQL's own parser (WebAssembly), loaded once here at start-up.
      await loadPostgresParser();
      return createPostgresDriver(config, { credentials: deps.credentials, logger: deps.logger });
    case "informix": {
      let module: InformixModule;
      try {
        module = (await import(INFORMIX_MODULE)) as InformixModule;
      } catch (error) {
        throw new DbError(
          "unsupported",
          `database "${name}": the Informix driver could not be loaded (${(error as Error).message})`,
          {
            cause: error,
          },
        );
      }
      return await module.createInformixDriver(config, deps);
    }
    default:
      throw new DbError("unsupported", `database "${name}": unknown driver ${(config as { driver: string }).driver}`);
  }
}
