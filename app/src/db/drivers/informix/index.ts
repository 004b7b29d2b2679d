// Entry point of the Informix driver, imported lazily by drivers/index.ts so that ibm_db (optional,
// native) is only loaded when a configured database uses it.
import type pino from "pino";
import type { DatabaseConfig } from "../../../config/schema.js";
import type { CredentialSource, Driver } from "../../driver.js";
import { DbError } from "../../errors.js";
import { InformixDriver } from "./driver.js";
import { loadIbmDb } from "./loader.js";

export { IBM_DB_INSTALL_HELP } from "./loader.js";

export async function createInformixDriver(
  config: DatabaseConfig,
  deps: { credentials: CredentialSource; logger: pino.Logger },
): Promise<Driver> {
  if (config.driver !== "informix") {
    throw new DbError("internal", `createInformixDriver called for a ${config.driver} database`);
  }
  const ibmdb = await loadIbmDb();
  return new InformixDriver(config, { ibmdb, credentials: deps.credentials, logger: deps.logger });
}
