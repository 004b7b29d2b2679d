// The PostgreSQL driver on `pg` and `pg-cursor`. Credentials come from the CredentialSource on every new
// connection; when the server rejects them (28P01) the source is asked once more with forceRefresh, for
// rotated secrets.
import pg from "pg";
import type { Logger } from "pino";
import type { PostgresDatabaseConfig } from "../../../config/schema.js";
import { loadPostgresParser } from "../../../sql/postgres/parser.js";
import type { Connection, CredentialSource, Driver } from "../../driver.js";
import { PostgresConnection } from "./connection.js";
import { mapPgError } from "./errors.js";

export { PostgresConnection } from "./connection.js";

export interface PostgresDriverDeps {
  credentials: CredentialSource;
  logger?: Logger;
  /** Bound for establishing one connection. */
  connectTimeoutMs?: number;
}

function sslOption(mode: PostgresDatabaseConfig["ssl"]): pg.ClientConfig["ssl"] {
  if (mode === "disable") return false;
  if (mode === "require") return { rejectUnauthorized: false };
  return { rejectUnauthorized: true };
}

export function createPostgresDriver(config: PostgresDatabaseConfig, deps: PostgresDriverDeps): Driver {
  // Names of types the driver does not know by heart (extensions, enums), loaded with the first connection.
  const typeNames = new Map<number, string>();
  let typeNamesLoaded = false;

  async function openClient(): Promise<pg.Client> {
    for (let attempt = 0; ; attempt++) {
      const credentials = await deps.credentials(attempt > 0);
      const client = new pg.Client({
        host: config.host,
        port: config.port,
        database: config.database,
        user: credentials?.user ?? config.user,
        password: credentials?.password,
        ssl: sslOption(config.ssl),
        application_name: config.applicationName,
        connectionTimeoutMillis: deps.connectTimeoutMs ?? 10_000,
        keepAlive: true,
        // Fixed output formats the value mapping relies on, whatever the server's defaults; and the string syntax
        // the guard's parser (libpg-query) assumes, whatever a database or role default says.
        options: "-c DateStyle=ISO -c IntervalStyle=postgres -c bytea_output=hex -c standard_conforming_strings=on",
      });
      client.on("error", () => {}); // replaced by the connection's own listener once connected
      try {
        await client.connect();
        return client;
      } catch (error) {
        await client.end().catch(() => {});
        const mapped = mapPgError(error);
        if (mapped.sqlstate === "28P01" && attempt === 0) continue;
        throw mapped;
      }
    }
  }

  return {
    name: "postgres",
    async connect(): Promise<Connection> {
      await loadPostgresParser(); // loaded at start-up by createDriver; here for drivers built directly
      const client = await openClient();
      if (!typeNamesLoaded) {
        try {
          const result = await client.query(
            "SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE typisdefined",
          );
          for (const row of result.rows as Array<{ oid: number; name: string }>) typeNames.set(row.oid, row.name);
          typeNamesLoaded = true;
        } catch (error) {
          await client.end().catch(() => {});
          throw mapPgError(error);
        }
      }
      return new PostgresConnection(client, { host: config.host, port: config.port }, typeNames, {
        ...(deps.logger ? { logger: deps.logger } : {}),
        cancelGraceMs: config.pool.cancelGraceMs,
      });
    },
    async close(): Promise<void> {},
  };
}
