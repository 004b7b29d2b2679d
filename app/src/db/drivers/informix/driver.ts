// The Informix Driver: loads ibm_db (loader.ts), opens connections with the CLI connection string, and
// retries once with refreshed credentials when the server rejects them (rotated secrets).
import type { Logger } from "pino";
import type { InformixDatabaseConfig } from "../../../config/schema.js";
import type { Connection, CredentialSource, Driver } from "../../driver.js";
import { DbError } from "../../errors.js";
import { InformixConnection } from "./connection.js";
import { buildConnectionString } from "./connection-string.js";
import { toDbError } from "./error-mapping.js";
import type { IbmDbModule } from "./ibm-db-api.js";

export interface InformixDriverDeps {
  ibmdb: IbmDbModule;
  credentials: CredentialSource;
  logger: Logger;
}

export class InformixDriver implements Driver {
  readonly name = "informix" as const;

  constructor(
    private readonly config: InformixDatabaseConfig,
    private readonly deps: InformixDriverDeps,
  ) {}

  async connect(): Promise<Connection> {
    try {
      return await this.open(false);
    } catch (error) {
      if (error instanceof DbError && error.kind === "authentication_failed") return this.open(true);
      throw error;
    }
  }

  private async open(forceRefresh: boolean): Promise<Connection> {
    const secret = await this.deps.credentials(forceRefresh);
    const connectionString = buildConnectionString(this.config, {
      user: secret?.user ?? this.config.user,
      password: secret?.password,
    });
    const log = this.deps.logger.child({ driver: "informix", target: connectionString.redacted });
    log.debug("opening Informix connection");
    try {
      const db = await this.deps.ibmdb.open(connectionString.value, { fetchMode: this.deps.ibmdb.FETCH_ARRAY });
      return new InformixConnection(this.deps.ibmdb, db, log);
    } catch (error) {
      const mapped = toDbError(error);
      log.warn({ kind: mapped.kind, sqlcode: mapped.nativeCode, sqlstate: mapped.sqlstate }, "Informix connect failed");
      // A failed connect is never a client's statement problem: whatever the server said, it is reachability
      // or credentials (the pool and /readyz treat both as the database being unavailable).
      if (mapped.kind === "authentication_failed" || mapped.kind === "unavailable") throw mapped;
      throw new DbError("unavailable", mapped.message, {
        sqlstate: mapped.sqlstate,
        nativeCode: mapped.nativeCode,
        connectionBroken: true,
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    // ibm_db keeps one CLI environment handle per process and frees it at exit; nothing to release here.
  }
}
