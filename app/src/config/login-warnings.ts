// check-config warnings for least privilege in the database: a role that may only read should run on a database
// user that can only read. Warned when such a role uses the database's own credentials, or the same login as a
// role that writes: the database then cannot stop a statement the guard misjudged.

import type { DatabaseConfig, ProxyConfig } from "./schema.js";
import { type DatabaseLogin, loginKey } from "./schema-login.js";

const WRITE_CAPABLE = new Set(["write", "ddl", "procedure", "admin"]);

/** The login key of the database's own credentials, comparable with role logins'. */
function ownLoginKey(db: DatabaseConfig): string | undefined {
  if (db.driver === "sqlite") return undefined;
  const own: DatabaseLogin = {
    ...(db.user !== undefined ? { user: db.user } : {}),
    ...(db.userSecret !== undefined ? { userSecret: db.userSecret } : {}),
    ...(db.password !== undefined ? { password: db.password } : {}),
    ...(db.credentials !== undefined ? { credentials: db.credentials } : {}),
  };
  return loginKey(own);
}

function sameUser(login: DatabaseLogin, db: DatabaseConfig): boolean {
  if (db.driver === "sqlite") return false;
  if (login.user !== undefined && login.user === db.user) return true;
  const ref = (r: unknown) => (r === undefined ? undefined : JSON.stringify(r));
  if (login.userSecret !== undefined && ref(login.userSecret) === ref(db.userSecret)) return true;
  return login.credentials !== undefined && ref(login.credentials) === ref(db.credentials);
}

export function loginWarnings(config: Pick<ProxyConfig, "databases" | "roles">): string[] {
  const warnings: string[] = [];
  for (const [dbName, db] of Object.entries(config.databases)) {
    if (db.driver === "sqlite") continue;
    const grants = Object.entries(config.roles).flatMap(([role, r]) => {
      const grant = Object.hasOwn(r.databases, dbName) ? r.databases[dbName] : r.databases["*"];
      return grant ? [{ role, grant }] : [];
    });
    const writerKeys = new Map<string, string>();
    for (const { role, grant } of grants) {
      if (grant.allow.some((c) => WRITE_CAPABLE.has(c))) writerKeys.set(grant.login ? loginKey(grant.login) : "", role);
    }
    for (const { role, grant } of grants) {
      if (grant.allow.some((c) => WRITE_CAPABLE.has(c))) continue;
      const where = `role ${role} only reads database ${dbName}`;
      if (!grant.login) {
        warnings.push(
          `${where} but runs on the database's own credentials: give it a read-only database user (roles.${role}.databases.${dbName}.login)`,
        );
        continue;
      }
      const key = loginKey(grant.login);
      const writer = writerKeys.get(key);
      if (writer) warnings.push(`${where} but shares its login with role ${writer}, which writes`);
      else if (key === ownLoginKey(db) || sameUser(grant.login, db)) {
        warnings.push(`${where} but its login is the database's own user, which the writing roles use`);
      }
    }
  }
  return warnings;
}
