// The Informix dialect wired into the one parse and the guard: an Informix database's statements are read by the
// lexer after IBM's grammar (src/sql/informix/), its DELIMIDENT setting picks the fingerprint, ambiguous text is
// PERMISSION_DENIED (POLICY_AMBIGUOUS_SQL) and invalid text INVALID_ARGUMENT, before any driver sees it. There is
// no Informix server here, so this stops at the guard; the classes themselves are tested in test/sql/informix/.
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { PolicyConfig, RoleConfig } from "../../src/config/security-schema.js";
import { ApiError } from "../../src/core/api-error.js";
import type { Identity } from "../../src/core/identity.js";
import { createLogger } from "../../src/observability/logger.js";
import { createStatementGuard } from "../../src/policy/policy-guard.js";
import { parseStatement } from "../../src/rpc/statement-input.js";
import { dialectFor } from "../../src/sql/dialects.js";

const ifx = { name: "stores", driver: "informix" as const, config: { driver: "informix", delimident: false } };
const reader: Identity = { id: "api_key:rita", method: "api_key", roles: ["reader"] };
const app: Identity = { id: "api_key:app", method: "api_key", roles: ["app"] };

const guard = createStatementGuard({
  config: {
    auth: { apiKeys: [], anonymousReflection: false } as never,
    roles: {
      reader: RoleConfig.parse({ databases: { stores: { allow: ["read"] } } }),
      app: RoleConfig.parse({ databases: { stores: { allow: ["read", "write", "procedure"] } } }),
    },
    policy: PolicyConfig.parse({}),
  },
  logger: createLogger("silent"),
});

async function check(identity: Identity, sql: string) {
  const statement = parseStatement(ifx, sql, "sql");
  return guard.checkStatement({ identity, database: "stores", sql, statement, rpc: "Execute", inTransaction: false });
}

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected a refusal");
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("the Informix dialect behind the one parse and the guard", () => {
  it("parses an Informix database's statements with the Informix lexer", () => {
    const parsed = parseStatement(ifx, "SELECT {+ORDERED} a FROM t WHERE b = ?", "sql");
    expect(parsed).toMatchObject({ dialect: "informix", statementClass: "read", placeholderCount: 1 });
    expect(parsed.driverSql).toBe("SELECT {+ORDERED} a FROM t WHERE b = ?");
  });

  it('DELIMIDENT decides whether "..." is a literal in the fingerprint', () => {
    expect(parseStatement(ifx, 'SELECT "Name" FROM t', "sql").fingerprint).toBe("select ? from t");
    const delimident = { ...ifx, config: { driver: "informix", delimident: true } };
    expect(parseStatement(delimident, 'SELECT "Name" FROM t', "sql").fingerprint).toBe('select "Name" from t');
    expect(dialectFor("informix", { delimident: true })).not.toBe(dialectFor("informix"));
  });

  it("ambiguous text is PERMISSION_DENIED with the lexer's rule; invalid text is INVALID_ARGUMENT", () => {
    const ambiguous = thrown(() => parseStatement(ifx, "SELECT 'a\\' ; DELETE FROM t; --' FROM t", "sql"));
    expect(ambiguous.code).toBe(status.PERMISSION_DENIED);
    expect(ambiguous.reason).toBe("POLICY_AMBIGUOUS_SQL");
    expect(ambiguous.metadata).toEqual({ database: "stores", rule: "BACKSLASH_ESCAPE" });
    expect(ambiguous.message).not.toContain("DELETE");
    const odbc = thrown(() => parseStatement(ifx, "SELECT 1 FROM t {call evil()}", "sql"));
    expect(odbc.metadata.rule).toBe("ODBC_ESCAPE");
    const invalid = thrown(() => parseStatement(ifx, "SELECT 1 /* open", "sql"));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
  });

  it("the guard applies the Informix classes: the SQL administration API is admin, a reader may only read", async () => {
    expect((await check(reader, "SELECT * FROM customer")).statementClass).toBe("read");
    const admin = await rejection(check(app, "EXECUTE FUNCTION sysadmin:task('drop database stores')"));
    expect(admin.reason).toBe("ROLE_DENIED");
    expect(admin.message).toContain("SQL administration API");
    const write = await rejection(check(reader, "SELECT a FROM t INTO TEMP x"));
    expect(write.reason).toBe("ROLE_DENIED");
    expect((await check(app, "EXECUTE PROCEDURE add_order(1)")).statementClass).toBe("procedure");
    const unload = await rejection(check(app, "UNLOAD TO '/tmp/x' SELECT * FROM t"));
    expect(unload.reason).toBe("ROLE_DENIED");
  });

  it("a check without a parsed statement falls back to the guard's own parse and maps ambiguity the same way", async () => {
    const informixGuard = createStatementGuard({
      config: { auth: undefined, roles: {}, policy: PolicyConfig.parse({}) },
      logger: createLogger("silent"),
      dialectFor: () => dialectFor("informix"),
    });
    const peer: Identity = { id: "peer:x", method: "peer", roles: [] };
    const error = await rejection(
      informixGuard.checkStatement({
        identity: peer,
        database: "stores",
        sql: 'INSERT INTO "sysadmin":ph_task VALUES (1)',
        rpc: "Execute",
        inTransaction: false,
      }),
    );
    expect(error.reason).toBe("POLICY_AMBIGUOUS_SQL");
    expect(error.metadata.rule).toBe("DELIMIDENT_READING");
  });
});
