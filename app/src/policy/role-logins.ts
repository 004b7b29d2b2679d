// Which database login a caller's statements run under: least privilege in the database itself. A role names a
// login per database (roles.<role>.databases.<db>.login); the caller uses it when every role that grants it the
// database names that same login. Roles that disagree (or one of them names none) fall back to the database's own
// credentials, and check-config warns about read-only roles left on write-capable users (config/explain.ts).
import { type DatabaseLogin, loginKey } from "../config/schema-login.js";
import type { RoleConfig } from "../config/security-schema.js";

export interface LoginRouter {
  /** The key of the login (a pool of its own in db/database-registry.ts), or undefined for the database's own. */
  loginFor(roleNames: readonly string[], database: string): string | undefined;
}

export function createLoginRouter(roles: Readonly<Record<string, RoleConfig>>): LoginRouter {
  return {
    loginFor(roleNames, database) {
      const keys = new Set<string | undefined>();
      for (const name of new Set(roleNames)) {
        const role = Object.hasOwn(roles, name) ? roles[name] : undefined;
        if (!role) continue;
        const grant = Object.hasOwn(role.databases, database) ? role.databases[database] : role.databases["*"];
        if (grant) keys.add(grant.login ? loginKey(grant.login) : undefined);
      }
      return keys.size === 1 ? [...keys][0] : undefined;
    },
  };
}

/** Every distinct login named for each database, with a label for logs and metrics (the first role naming it). */
export function loginsByDatabase(
  roles: Readonly<Record<string, RoleConfig>>,
): Map<string, Map<string, { label: string; login: DatabaseLogin }>> {
  const out = new Map<string, Map<string, { label: string; login: DatabaseLogin }>>();
  for (const [roleName, role] of Object.entries(roles)) {
    for (const [database, grant] of Object.entries(role.databases)) {
      if (!grant.login || database === "*") continue;
      const logins = out.get(database) ?? new Map();
      const key = loginKey(grant.login);
      if (!logins.has(key)) logins.set(key, { label: roleName, login: grant.login });
      out.set(database, logins);
    }
  }
  return out;
}
