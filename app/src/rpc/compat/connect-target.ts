// Which configured database a legacy Connect means. Clients of the earlier proxy sent host, port, database,
// user and password, and it opened whatever they named. Here they never open anything new: `database` names a
// configured database, or matches one by its database name (and host and port, when the client sends them);
// an empty request means the default database. User, password, properties and pool_size never reach a driver.
import type { Database } from "../../db/database-registry.js";
import type { ConnectionRequest } from "../../gen/informix/informix.js";

interface Located {
  host?: string;
  port?: number;
  database?: string;
}

export function pickDatabase(
  databases: { find(name: string): Database | undefined; all(): Database[] },
  request: Pick<ConnectionRequest, "host" | "port" | "database">,
): Database | undefined {
  if (request.database === "" && request.host === "") return databases.find("");
  const byName = request.database === "" ? undefined : databases.find(request.database);
  if (byName) return byName;
  const matches = databases.all().filter((db) => {
    const config = db.config as Located;
    if (config.database === undefined || config.database !== request.database) return false;
    if (request.host !== "" && !sameHost(config.host ?? "", request.host)) return false;
    return request.port === 0 || config.port === request.port;
  });
  return matches.length === 1 ? matches[0] : undefined;
}

function sameHost(a: string, b: string): boolean {
  const loopback = (h: string) => h === "localhost" || h === "127.0.0.1" || h === "::1";
  return a.toLowerCase() === b.toLowerCase() || (loopback(a) && loopback(b));
}
