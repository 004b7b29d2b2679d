// Role grants through the statement guard: classes per database, "*" and its precedence, the union over
// roles, SELECT ... INTO TEMP for readers, session limits, callers without a grant, and peers.
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { PolicyConfig, RoleConfig } from "../../src/config/security-schema.js";
import { ApiError } from "../../src/core/api-error.js";
import type { Identity } from "../../src/core/identity.js";
import { createLogger } from "../../src/observability/logger.js";
import { createStatementGuard } from "../../src/policy/policy-guard.js";

const roles = {
  reader: RoleConfig.parse({ databases: { main: { allow: ["read"], maxSessions: 1 } } }),
  writer: RoleConfig.parse({
    databases: { main: { allow: ["read", "write"], maxSessions: 3 }, "*": { allow: ["read"], maxSessions: 1 } },
  }),
  ops: RoleConfig.parse({ databases: { "*": { allow: ["read", "write", "ddl", "procedure", "admin"] } } }),
};

const auth = { apiKeys: [] };

function guardWith(policy: Record<string, unknown> = {}, withAuth = true) {
  return createStatementGuard({
    config: { auth: withAuth ? auth : undefined, roles, policy: PolicyConfig.parse(policy) },
    logger: createLogger("silent"),
  });
}

const who = (...roleNames: string[]): Identity => ({
  id: `api_key:${roleNames.join("+")}`,
  method: "api_key",
  roles: roleNames,
});
const peer: Identity = { id: "peer:127.0.0.1:1", method: "peer", roles: [] };

function run(guard: ReturnType<typeof guardWith>, identity: Identity, sql: string, database = "main") {
  return guard.checkStatement({ identity, database, sql, rpc: "Execute", inTransaction: false });
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a refusal").toBeInstanceOf(ApiError);
  return error as ApiError;
}

function thrown(fn: () => void): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected a refusal");
}

describe("authorization: statement classes", () => {
  const guard = guardWith({ allowDdl: true, allowSessionStatements: true });

  it("a reader reads and nothing more", async () => {
    expect((await run(guard, who("reader"), "SELECT * FROM customer")).statementClass).toBe("read");
    for (const sql of [
      "INSERT INTO t VALUES (1)",
      "EXECUTE PROCEDURE p()",
      "DROP TABLE t",
      "LOCK TABLE t IN SHARE MODE",
    ]) {
      const error = await refusal(run(guard, who("reader"), sql));
      expect(error.code).toBe(status.PERMISSION_DENIED);
      expect(error.reason).toBe("ROLE_DENIED");
      expect(error.message).toContain("roles.<role>.databases.main.allow");
    }
  });

  it("SELECT ... INTO TEMP needs write: refused to a reader, allowed to a writer", async () => {
    const sql = "SELECT * FROM t INTO TEMP x WITH NO LOG";
    const error = await refusal(run(guard, who("reader"), sql));
    expect(error.reason).toBe("ROLE_DENIED");
    expect(error.message).toContain("INTO TEMP");
    expect(error.metadata).toMatchObject({ statement_class: "write", database: "main" });
    expect((await run(guard, who("writer"), sql)).statementClass).toBe("write");
  });

  it("a data-modifying CTE is a write", async () => {
    const sql = "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d";
    expect((await refusal(run(guard, who("reader"), sql))).reason).toBe("ROLE_DENIED");
    expect((await run(guard, who("writer"), sql)).statementClass).toBe("write");
  });

  it("transaction and session statements count as read once the policy allows them", async () => {
    expect((await run(guard, who("reader"), "begin work")).statementClass).toBe("transaction");
    expect((await run(guard, who("reader"), "SET ROLE x")).statementClass).toBe("session");
  });

  it("the policy still applies before roles: ops may run DDL only when allowDdl is set", async () => {
    expect((await refusal(run(guardWith(), who("ops"), "DROP TABLE t"))).reason).toBe("POLICY_DDL_DENIED");
    expect((await run(guard, who("ops"), "DROP TABLE t")).statementClass).toBe("ddl");
    expect((await refusal(run(guard, who("writer"), "DROP TABLE t"))).reason).toBe("ROLE_DENIED");
  });

  it("a caller's grant is the union of its roles", async () => {
    expect((await run(guard, who("reader", "writer"), "UPDATE t SET a = 1")).statementClass).toBe("write");
  });

  it('a role\'s entry for the database takes precedence over its "*" entry', async () => {
    expect((await run(guard, who("writer"), "UPDATE t SET a = 1")).statementClass).toBe("write");
    expect((await run(guard, who("writer"), "SELECT 1", "reports")).statementClass).toBe("read");
    expect((await refusal(run(guard, who("writer"), "UPDATE t SET a = 1", "reports"))).reason).toBe("ROLE_DENIED");
  });

  it("no grant on the database: every statement is refused", async () => {
    for (const identity of [who("reader"), who(), who("ghost"), who("constructor"), who("__proto__")]) {
      const error = await refusal(run(guard, identity, "SELECT 1", "reports"));
      expect(error.code).toBe(status.PERMISSION_DENIED);
      expect(error.reason).toBe("ROLE_DENIED");
      expect(error.message).toContain('database "reports"');
      expect(error.metadata).toMatchObject({ database: "reports", statement_class: "read" });
      expect(error.metadata.fingerprint_id).toMatch(/^[0-9a-f]{16}$/);
    }
    await refusal(run(guard, who("reader"), "SELECT 1", "constructor"));
  });
});

describe("authorization: sessions", () => {
  const guard = guardWith();

  it("enforces maxSessions per database", () => {
    expect(() => guard.checkSession(who("reader"), "main", 0)).not.toThrow();
    const error = thrown(() => guard.checkSession(who("reader"), "main", 1));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.reason).toBe("SESSION_LIMIT");
    expect(error.metadata).toMatchObject({ database: "main", max_sessions: "1" });
  });

  it("takes the largest maxSessions among the caller's roles", () => {
    expect(() => guard.checkSession(who("reader", "writer"), "main", 2)).not.toThrow();
    expect(thrown(() => guard.checkSession(who("reader", "writer"), "main", 3)).reason).toBe("SESSION_LIMIT");
  });

  it("a granting role without maxSessions means no role limit", () => {
    expect(() => guard.checkSession(who("ops"), "main", 10_000)).not.toThrow();
    expect(() => guard.checkSession(who("reader", "ops"), "main", 10_000)).not.toThrow();
  });

  it("refuses OpenSession on a database the caller has no grant on", () => {
    const error = thrown(() => guard.checkSession(who("reader"), "reports", 0));
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.reason).toBe("ROLE_DENIED");
  });
});

describe("authorization: callers without authentication", () => {
  it("a peer is checked by the policy only when auth is not configured", async () => {
    const guard = guardWith({}, false);
    expect((await run(guard, peer, "SELECT * FROM t INTO TEMP x WITH NO LOG")).statementClass).toBe("write");
    expect((await run(guard, peer, "EXECUTE PROCEDURE p()")).statementClass).toBe("procedure");
    expect(() => guard.checkSession(peer, "main", 1000)).not.toThrow();
    expect((await refusal(run(guard, peer, "DROP TABLE t"))).reason).toBe("POLICY_DDL_DENIED");
  });

  it("with auth configured, an unauthenticated peer has no grant (fail closed)", async () => {
    const guard = guardWith();
    expect((await refusal(run(guard, peer, "SELECT 1"))).reason).toBe("ROLE_DENIED");
    expect(thrown(() => guard.checkSession(peer, "main", 0)).reason).toBe("ROLE_DENIED");
  });
});
