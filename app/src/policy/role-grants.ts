// Authorization by role: each role grants, per configured database (or "*" for all), the statement
// classes it may run and a session limit. A caller's grant on a database is the union over its roles.
// Within one role, an entry for the database itself takes precedence over its "*" entry, so "*" can be a
// broad default that a named database narrows.
import type { z } from "zod";
import type { StatementClass as GrantClass, RoleConfig as RoleConfigSchema } from "../config/security-schema.js";

type RoleConfig = z.infer<typeof RoleConfigSchema>;

export interface DatabaseGrant {
  classes: ReadonlySet<GrantClass>;
  /** Largest maxSessions among the granting roles; undefined when any of them sets no limit. */
  maxSessions: number | undefined;
}

/**
 * The class a statement needs in a grant. Transaction and session statements count as read: whether they
 * may run at all is the policy's decision (policy.allowSessionStatements), not the role's.
 */
export function grantClassOf(statementClass: string): GrantClass {
  switch (statementClass) {
    case "write":
    case "ddl":
    case "procedure":
    case "admin":
      return statementClass;
    default:
      return "read"; // read, transaction, session, empty
  }
}

export class RoleGrants {
  constructor(private readonly roles: Readonly<Record<string, RoleConfig>>) {}

  /** The union of the roles' grants on the database, or undefined when no role grants it. Unknown roles grant nothing. */
  grantFor(roleNames: readonly string[], database: string): DatabaseGrant | undefined {
    const classes = new Set<GrantClass>();
    let granted = false;
    let unlimited = false;
    let maxSessions = 0;
    for (const name of new Set(roleNames)) {
      const role = own(this.roles, name);
      const grant = role ? (own(role.databases, database) ?? own(role.databases, "*")) : undefined;
      if (!grant) continue;
      granted = true;
      for (const c of grant.allow) classes.add(c);
      if (grant.maxSessions === undefined) unlimited = true;
      else maxSessions = Math.max(maxSessions, grant.maxSessions);
    }
    if (!granted) return undefined;
    return { classes, maxSessions: unlimited ? undefined : maxSessions };
  }
}

/** Own property only: a role or database named "constructor" must not find Object.prototype's. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
