// Role logins (roles.<role>.databases.<db>.login): schema rules, which login a caller uses, and the check-config
// warnings about read-only roles left on write-capable database users.
import { describe, expect, it } from "vitest";
import { explainConfig } from "../../src/config/explain.js";
import { parseConfig } from "../../src/config/loader.js";
import { databaseWithLogin, loginKey } from "../../src/config/schema-login.js";
import { createLoginRouter, loginsByDatabase } from "../../src/policy/role-logins.js";

const pgDatabase = {
  driver: "postgres",
  host: "db.internal",
  database: "orders",
  user: "app",
  password: { env: "PG_PASSWORD" },
  ssl: "verify-full",
};
const auth = { apiKeys: [{ name: "k", sha256: "a".repeat(64), roles: [] }] };
const readerLogin = { user: "orders_reader", password: { env: "PG_READER_PASSWORD" } };

function configWith(roles: Record<string, unknown>, databases: Record<string, unknown> = { pg: pgDatabase }) {
  return parseConfig({ databases, auth, roles });
}
const warnings = (roles: Record<string, unknown>) =>
  explainConfig(configWith(roles)).filter((l) => l.startsWith("warning:") && l.includes("role "));

describe("role login schema", () => {
  it("accepts a login by user and password reference, or by one JSON credentials secret", () => {
    expect(() => configWith({ r: { databases: { pg: { allow: ["read"], login: readerLogin } } } })).not.toThrow();
    expect(() =>
      configWith({ r: { databases: { pg: { allow: ["read"], login: { credentials: { awsSecret: "arn:x" } } } } } }),
    ).not.toThrow();
  });

  it.each([
    [{ password: { env: "X" } }, /names its user/],
    [{ user: "a", userSecret: { env: "U" } }, /user or userSecret/],
    [{ user: "a", credentials: { env: "C" } }, /credentials supplies user and password/],
    [{ user: "a", password: "literal" }, /./],
  ])("refuses the login %j", (login, message) => {
    expect(() => configWith({ r: { databases: { pg: { allow: ["read"], login } } } })).toThrow(message);
  });

  it('refuses a login under "*" and on SQLite', () => {
    expect(() => configWith({ r: { databases: { "*": { allow: ["read"], login: readerLogin } } } })).toThrow(
      /belongs to one database/,
    );
    expect(() =>
      configWith(
        { r: { databases: { lite: { allow: ["read"], login: readerLogin } } } },
        { lite: { driver: "sqlite", path: ":memory:" } },
      ),
    ).toThrow(/SQLite has no database users/);
  });

  it("replaces the database's own credentials with the login's, keeping host and pool", () => {
    const db = configWith({}).databases.pg;
    const withLogin = databaseWithLogin(db as NonNullable<typeof db>, { credentials: { env: "C" } });
    expect(withLogin).toMatchObject({ host: "db.internal", database: "orders", credentials: { env: "C" } });
    expect(withLogin).not.toHaveProperty("user");
    expect(withLogin).not.toHaveProperty("password");
  });
});

describe("login router", () => {
  const roles = configWith({
    reader: { databases: { pg: { allow: ["read"], login: readerLogin } } },
    auditor: {
      databases: { pg: { allow: ["read"], login: { password: readerLogin.password, user: readerLogin.user } } },
    },
    writer: { databases: { pg: { allow: ["read", "write"] } } },
    anywhere: { databases: { "*": { allow: ["read"] } } },
  }).roles;
  const router = createLoginRouter(roles);

  it("a caller uses the login its granting roles agree on (key order does not matter)", () => {
    expect(router.loginFor(["reader"], "pg")).toBe(loginKey(readerLogin));
    expect(router.loginFor(["reader", "auditor"], "pg")).toBe(loginKey(readerLogin));
  });

  it("roles that disagree, no role, or no grant use the database's own credentials", () => {
    expect(router.loginFor(["reader", "writer"], "pg")).toBeUndefined();
    expect(router.loginFor(["reader", "anywhere"], "pg")).toBeUndefined();
    expect(router.loginFor([], "pg")).toBeUndefined();
    expect(router.loginFor(["constructor"], "pg")).toBeUndefined();
  });

  it("lists each distinct login once per database, labelled by its first role", () => {
    const logins = loginsByDatabase(roles);
    expect([...(logins.get("pg")?.values() ?? [])].map((l) => l.label)).toEqual(["reader"]);
  });
});

describe("check-config: read-only roles on write-capable users", () => {
  it("warns when a read-only role has no login of its own", () => {
    expect(warnings({ reader: { databases: { pg: { allow: ["read"] } } } })).toEqual([
      "warning: role reader only reads database pg but runs on the database's own credentials: give it a read-only database user (roles.reader.databases.pg.login)",
    ]);
  });

  it("warns when a read-only role shares its login with a writing role", () => {
    expect(
      warnings({
        reader: { databases: { pg: { allow: ["read"], login: readerLogin } } },
        loader: { databases: { pg: { allow: ["read", "write"], login: readerLogin } } },
      }),
    ).toEqual(["warning: role reader only reads database pg but shares its login with role loader, which writes"]);
  });

  it("warns when a read-only role's login is the database's own user", () => {
    expect(warnings({ reader: { databases: { pg: { allow: ["read"], login: { user: "app" } } } } })).toEqual([
      "warning: role reader only reads database pg but its login is the database's own user, which the writing roles use",
    ]);
  });

  it("is silent when the read-only role has a login of its own", () => {
    expect(
      warnings({
        reader: { databases: { pg: { allow: ["read"], login: readerLogin } } },
        writer: { databases: { pg: { allow: ["read", "write"] } } },
      }),
    ).toEqual([]);
  });
});
