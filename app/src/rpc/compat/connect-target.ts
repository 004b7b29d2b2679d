// Which configured database a legacy Connect means. Clients of the earlier proxy sent host, port, database,
// user and password, and it opened whatever they named. Here nothing the client names is ever opened: only a
// configured database, picked in this order:
//   1. `database` is a configured database's name, or a name mapped by compat.databases;
//   2. exactly one configured database has that database name (and the host and port, when the client sends
//      them; loopback names count as one host);
//   3. otherwise the default database (compat.unmatched: default), or a refusal (compat.unmatched: refuse).
// User, password, properties and pool_size never reach a driver; the proxy connects with its own credentials.
import type { CompatConfig } from "../../config/compat-schema.js";
import type { Database } from "../../db/database-registry.js";
import type { ConnectionRequest } from "../../gen/informix/informix.js";

interface Located {
  host?: string;
  port?: number;
  database?: string;
}

export interface PickedDatabase {
  database: Database;
  /** How it was picked, for the log line (never the client's host, user or password). */
  matchedBy: "name" | "alias" | "location" | "default";
}

export function pickDatabase(
  databases: { find(name: string): Database | undefined; all(): Database[] },
  request: Pick<ConnectionRequest, "host" | "port" | "database">,
  config: Pick<CompatConfig, "databases" | "unmatched">,
): PickedDatabase | undefined {
  const fallback = (): PickedDatabase | undefined => {
    if (config.unmatched === "refuse") return undefined;
    const database = databases.find("");
    return database ? { database, matchedBy: "default" } : undefined;
  };
  if (request.database === "") {
    return request.host === "" ? { database: databases.find("") as Database, matchedBy: "default" } : fallback();
  }
  const byName = databases.find(request.database);
  if (byName) return { database: byName, matchedBy: "name" };
  const alias = config.databases[request.database];
  const aliased = alias === undefined ? undefined : databases.find(alias);
  if (aliased) return { database: aliased, matchedBy: "alias" };
  const matches = databases.all().filter((db) => {
    const located = db.config as Located;
    if (located.database === undefined || located.database !== request.database) return false;
    if (request.host !== "" && !sameHost(located.host ?? "", request.host)) return false;
    return request.port === 0 || located.port === request.port;
  });
  if (matches.length === 1 && matches[0]) return { database: matches[0], matchedBy: "location" };
  return fallback();
}

function sameHost(a: string, b: string): boolean {
  const loopback = (h: string) => h === "localhost" || h === "127.0.0.1" || h === "::1";
  return a.toLowerCase() === b.toLowerCase() || (loopback(a) && loopback(b));
}
