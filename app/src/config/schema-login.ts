// The database login a role may name for itself (roles.<role>.databases.<db>.login): least privilege in the
// database, so that a read-only identity runs on a database user that can only SELECT, whatever the statement
// guard lets through. Same reference forms as a database's own credentials; never a literal password.
import { z } from "zod";
import { SecretRef } from "./schema-secret.js";

export const DatabaseLogin = z
  .strictObject({
    user: z.string().min(1).optional().describe("Literal database user name (or take it from userSecret)"),
    userSecret: SecretRef.optional().describe("Database user name from a secret reference (instead of user)"),
    password: SecretRef.optional().describe("Password from a secret reference; never a literal"),
    credentials: SecretRef.optional().describe(
      'User and password from one RDS-style JSON secret ({"username", "password", ...}); instead of user/userSecret/password',
    ),
  })
  .superRefine((login, ctx) => {
    if (login.user !== undefined && login.userSecret !== undefined) {
      ctx.addIssue({ code: "custom", path: ["userSecret"], message: "set user or userSecret, not both" });
    }
    if (login.credentials !== undefined) {
      if (login.user !== undefined || login.userSecret !== undefined || login.password !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["credentials"],
          message: "credentials supplies user and password: remove user, userSecret and password",
        });
      }
      if ("key" in login.credentials && login.credentials.key !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["credentials", "key"],
          message: "credentials reads username and password from the whole JSON secret: remove key",
        });
      }
    } else if (login.user === undefined && login.userSecret === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["user"],
        message: "a login names its user (user, userSecret or credentials)",
      });
    }
  })
  .describe(
    "Database credentials this role's calls use on this database (a user with only the privileges the role needs); absent = the database's own credentials",
  );
export type DatabaseLogin = z.infer<typeof DatabaseLogin>;

/** The same login, whatever the key order it was written in: roles naming the same references share one pool. */
export function loginKey(login: DatabaseLogin): string {
  const sorted = (value: unknown): unknown =>
    value && typeof value === "object"
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return JSON.stringify(sorted(login));
}

/** The database's configuration with its own credentials replaced by the login's (same host, port, pool, TLS). */
export function databaseWithLogin<T extends { driver: string }>(db: T, login: DatabaseLogin): T {
  const { user: _u, userSecret: _us, password: _p, credentials: _c, ...rest } = db as T & DatabaseLogin;
  return { ...rest, ...login } as T;
}
