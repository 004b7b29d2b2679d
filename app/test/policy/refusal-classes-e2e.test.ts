// Every refusal class end to end: a real gRPC client with a read-only API key against the proxy on a real
// PostgreSQL and a real SQLite, each refused statement answered with its precise status and reason, and the
// database proven unchanged afterwards (table contents, objects, sequences, locks, large objects, files).
// The test proxy connects to PostgreSQL as a superuser, so anything that got through would really run:
// a COPY ... TO PROGRAM 'touch <marker>' that got through would leave the marker.
// Then the second wall: SQLite's authorizer refuses what a guard that is wrong lets through.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { status } from "@grpc/grpc-js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResponse, SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import type { StatementGuard } from "../../src/policy/statement-guard.js";
import { call, clientWithMetadata, execRequest, expectStatus, plain, v } from "../support/grpc-client.js";
import { HOSTILE_SEED, hostileSingleStatement } from "../support/hostile-postgres.js";
import { startTestProxy, type TestDriver, type TestProxy } from "../support/test-proxy.js";

const READER_KEY = `reader-${randomBytes(16).toString("hex")}`;
const sha256 = (key: string) => createHash("sha256").update(key).digest("hex");

const readOnlyConfig = {
  auth: { apiKeys: [{ name: "reports", sha256: sha256(READER_KEY), roles: ["reader"] }] },
  roles: { reader: { databases: { "*": { allow: ["read"] } } } },
};

const exec = (client: SqlServiceClient, sql: string, params = [] as ReturnType<typeof v.int>[]) =>
  call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql, params }));

const MARKER = `/tmp/igp-refusal-${randomBytes(6).toString("hex")}`;
const SERVER_FILE = `/tmp/igp-refusal-copy-${randomBytes(6).toString("hex")}`;

type Case = [label: string, sql: string, code: status, reason: string];
const DENIED = status.PERMISSION_DENIED;
const INVALID = status.INVALID_ARGUMENT;

const POSTGRES_CASES: Case[] = [
  ["write: UPDATE", "UPDATE customer SET city = 'x'", DENIED, "ROLE_DENIED"],
  [
    "write: DELETE through a data-modifying CTE",
    "WITH d AS (DELETE FROM order_items RETURNING *) SELECT count(*) FROM d",
    DENIED,
    "ROLE_DENIED",
  ],
  ["write: row locks", "SELECT * FROM customer FOR UPDATE", DENIED, "ROLE_DENIED"],
  ["write: a sequence advanced inside a SELECT", "SELECT nextval('igp_seq')", DENIED, "ROLE_DENIED"],
  ["write: EXPLAIN ANALYZE runs the DELETE", "EXPLAIN ANALYZE DELETE FROM order_items", DENIED, "ROLE_DENIED"],
  ["write: NOTIFY", "NOTIFY igp_channel, 'x'", DENIED, "ROLE_DENIED"],
  ["ddl: SELECT INTO creates a table", "SELECT * INTO stolen FROM customer", DENIED, "POLICY_DDL_DENIED"],
  ["ddl: DROP behind nested comments", "/* a /* b */ c */ DROP TABLE customer", DENIED, "POLICY_DDL_DENIED"],
  ["ddl: CREATE ROLE", "CREATE ROLE intruder SUPERUSER LOGIN PASSWORD 'x'", DENIED, "POLICY_DDL_DENIED"],
  ["admin: COPY TO PROGRAM", `COPY (SELECT 1) TO PROGRAM 'touch ${MARKER}'`, DENIED, "ROLE_DENIED"],
  ["admin: COPY FROM PROGRAM", `COPY customer FROM PROGRAM 'touch ${MARKER}'`, DENIED, "ROLE_DENIED"],
  ["admin: COPY to a server file", `COPY customer TO '${SERVER_FILE}'`, DENIED, "ROLE_DENIED"],
  ["admin: pg_read_file", "SELECT pg_read_file('/etc/passwd')", DENIED, "ROLE_DENIED"],
  [
    "admin: quoted, qualified, upper-case",
    `SELECT "pg_catalog"."pg_read_file"('/etc/hostname'), PG_LS_DIR('.')`,
    DENIED,
    "ROLE_DENIED",
  ],
  [
    "admin: lo_export of a server file",
    `SELECT lo_export(lo_import('/etc/hostname'), '${SERVER_FILE}')`,
    DENIED,
    "ROLE_DENIED",
  ],
  ["admin: set_config", "SELECT set_config('search_path', 'evil', false)", DENIED, "ROLE_DENIED"],
  ["admin: SET", "SET search_path = evil", DENIED, "ROLE_DENIED"],
  ["admin: other sessions", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity", DENIED, "ROLE_DENIED"],
  ["admin: advisory locks that outlive the call", "SELECT pg_advisory_lock(42)", DENIED, "ROLE_DENIED"],
  ["admin: LOCK TABLE", "LOCK TABLE customer IN ACCESS EXCLUSIVE MODE", DENIED, "ROLE_DENIED"],
  ["admin: VACUUM", "VACUUM customer", DENIED, "ROLE_DENIED"],
  [
    "admin: SQL text run by a function",
    "SELECT query_to_xml('DELETE FROM customer RETURNING 1', true, false, '')",
    DENIED,
    "ROLE_DENIED",
  ],
  ["procedure: CALL", "CALL add_order(1)", DENIED, "ROLE_DENIED"],
  ["dynamic SQL: DO", "DO $$ BEGIN EXECUTE 'DROP TABLE customer'; END $$", DENIED, "POLICY_DDL_DENIED"],
  ["dynamic SQL: EXECUTE", "EXECUTE anything", DENIED, "POLICY_DDL_DENIED"],
  [
    "session: the string syntax the guard relies on",
    "SET standard_conforming_strings = off",
    DENIED,
    "POLICY_SESSION_STATEMENT",
  ],
  ["session: SET ROLE", "SET ROLE postgres", DENIED, "POLICY_SESSION_STATEMENT"],
  ["session: PREPARE", "PREPARE p AS DELETE FROM customer", DENIED, "POLICY_SESSION_STATEMENT"],
  ["session: LISTEN", "LISTEN igp_channel", DENIED, "POLICY_SESSION_STATEMENT"],
  ["transaction: BEGIN", "BEGIN", DENIED, "POLICY_SESSION_STATEMENT"],
  ["transaction: two-phase commit", "PREPARE TRANSACTION 'x'", DENIED, "POLICY_SESSION_STATEMENT"],
  ["several statements", "SELECT 1; DELETE FROM customer", DENIED, "POLICY_MULTIPLE_STATEMENTS"],
  ["the parser rejects it", "SELECT 1 FROM customer WHERE city = 'unterminated", INVALID, "INVALID_STATEMENT"],
  ["the parser rejects a homoglyph", "DЕLETE FROM customer", INVALID, "INVALID_STATEMENT"],
  ["PostgreSQL's own $n", "DELETE FROM customer WHERE customer_id = $1", INVALID, "INVALID_STATEMENT"],
  ["a NUL that would end the text early", "SELECT 1\u0000; DELETE FROM customer", INVALID, "INVALID_STATEMENT"],
  ["nested too deeply to check", `SELECT 1${" + 1".repeat(30_000)}`, INVALID, "INVALID_STATEMENT"],
  ["longer than limits.maxSqlBytes", `SELECT 1 WHERE 1 IN (${"1,".repeat(600_000)}1)`, INVALID, "INVALID_ARGUMENT"],
];

const SQLITE_CASES: Case[] = [
  ["write: UPDATE", "UPDATE customer SET city = 'x'", DENIED, "ROLE_DENIED"],
  ["write: DELETE", "delete /* x */ from customer", DENIED, "ROLE_DENIED"],
  ["write: REPLACE", "REPLACE INTO customer (customer_id, first_name) VALUES (1, 'x')", DENIED, "ROLE_DENIED"],
  ["write: WITH ... INSERT", "WITH x AS (SELECT 1) INSERT INTO orders SELECT * FROM orders", DENIED, "ROLE_DENIED"],
  ["write: SELECT INTO TEMP", "SELECT * FROM customer INTO TEMP x", DENIED, "ROLE_DENIED"],
  ["ddl: DROP", "-- c\nDROP TABLE customer", DENIED, "POLICY_DDL_DENIED"],
  [
    "ddl: CREATE TRIGGER",
    "CREATE TRIGGER t AFTER INSERT ON orders BEGIN DELETE FROM customer; END",
    DENIED,
    "POLICY_DDL_DENIED",
  ],
  ["admin: PRAGMA write", "PRAGMA writable_schema = ON", DENIED, "ROLE_DENIED"],
  ["admin: VACUUM INTO a file", `VACUUM INTO '${SERVER_FILE}'`, DENIED, "ROLE_DENIED"],
  ["session: ATTACH a file", `ATTACH DATABASE '${SERVER_FILE}' AS other`, DENIED, "POLICY_SESSION_STATEMENT"],
  ["transaction: BEGIN", "BEGIN", DENIED, "POLICY_SESSION_STATEMENT"],
  ["several statements", "SELECT 1; DELETE FROM customer", DENIED, "POLICY_MULTIPLE_STATEMENTS"],
  ["the tokenizer rejects it", "SELECT 'unterminated", INVALID, "INVALID_STATEMENT"],
  ["a NUL that would end the text early", "SELECT 1\u0000; DELETE FROM customer", INVALID, "INVALID_STATEMENT"],
  ["longer than limits.maxSqlBytes", `SELECT 1 WHERE 1 IN (${"1,".repeat(600_000)}1)`, INVALID, "INVALID_ARGUMENT"],
  // The guard calls this a read; SQLite's authorizer (the second wall) refuses loading native code.
  [
    "the database refuses: load_extension",
    "SELECT load_extension('/tmp/evil.so')",
    DENIED,
    "DATABASE_PERMISSION_DENIED",
  ],
];

/** Everything a refused statement could have changed, as one comparable value. */
async function stateOf(t: TestProxy, driver: TestDriver): Promise<unknown> {
  const files = existsSync(MARKER) || existsSync(SERVER_FILE);
  if (driver === "postgres") {
    const db = t.pg as NonNullable<TestProxy["pg"]>;
    const q = async (sql: string) => (await db.admin(sql)).rows;
    const tables = (
      await q("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1")
    ).map((r) => String(r.relname));
    const contents: Record<string, unknown> = {};
    for (const table of tables) {
      contents[table] = await q(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${table}" t`,
      );
    }
    return {
      files,
      objects: await q(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
      ),
      contents,
      sequences: await q("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"),
      largeObjects: await q("SELECT count(*) AS n FROM pg_largeobject_metadata"),
      locks: await q(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      ),
      prepared: await q("SELECT count(*) AS n FROM pg_prepared_xacts WHERE database = current_database()"),
    };
  }
  const path = (t.config.databases.main as { path: string }).path;
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all();
    const contents: Record<string, unknown> = {};
    for (const row of schema) {
      if (row.type === "table")
        contents[String(row.name)] = db.prepare(`SELECT * FROM "${String(row.name)}" ORDER BY 1`).all();
    }
    return {
      files,
      dir: readdirSync(dirname(path)).sort(),
      schema,
      contents,
      version: db.prepare("PRAGMA user_version").get(),
    };
  } finally {
    db.close();
  }
}

describe.each(["postgres", "sqlite"] as TestDriver[])(
  "every refusal class end to end on %s (read-only API key)",
  (driver) => {
    let t: TestProxy;
    let reader: SqlServiceClient;
    let before: unknown;
    beforeAll(async () => {
      t = await startTestProxy(driver, { configPatch: readOnlyConfig });
      if (driver === "postgres") await t.pg?.admin("CREATE SEQUENCE igp_seq");
      reader = clientWithMetadata(t.address, { authorization: `Bearer ${READER_KEY}` });
      await exec(reader, "SELECT 1"); // the SQLite demo file is created on the first connection
      before = await stateOf(t, driver);
    });
    afterAll(async () => {
      reader?.close();
      await t?.close();
    });

    it("the reader reads, even through every comment and quote form", async () => {
      const sql =
        driver === "postgres"
          ? "SELECT count(*) /* a /* nested */ ; DELETE FROM customer; */ FROM customer WHERE city <> $$'; DROP TABLE customer; --$$"
          : "SELECT count(*) /* ; DELETE FROM customer; */ FROM customer WHERE city <> '''; DROP TABLE customer; --'";
      const result = await exec(reader, sql);
      expect(Number(plain(result.rows[0]?.values[0]))).toBeGreaterThan(0);
    });

    it.each(driver === "postgres" ? POSTGRES_CASES : SQLITE_CASES)("%s", async (_label, sql, code, reason) => {
      const { error } = await expectStatus(exec(reader, sql), code, reason);
      // The refusal says what and why, never the statement's values.
      expect(error.details).not.toMatch(/passwd|hostname|evil\.so|igp-refusal/);
      expect(await stateOf(t, driver)).toEqual(before);
    });

    it.runIf(driver === "postgres")(
      "COPY with the client's stream is a read or a write the driver cannot carry: UNIMPLEMENTED, the connection stays usable",
      async () => {
        await expectStatus(exec(reader, "COPY customer TO STDOUT"), status.UNIMPLEMENTED, "UNSUPPORTED");
        await expectStatus(
          exec(reader, "COPY (SELECT 1) TO STDOUT WITH (FORMAT csv)"),
          status.UNIMPLEMENTED,
          "UNSUPPORTED",
        );
        await expectStatus(exec(reader, "COPY customer FROM STDIN"), status.PERMISSION_DENIED, "ROLE_DENIED");
        const after = await exec(reader, "SELECT count(*) FROM customer");
        expect(Number(plain(after.rows[0]?.values[0]))).toBeGreaterThan(0);
        expect(await stateOf(t, driver)).toEqual(before);
      },
    );

    it("nothing ran: no marker from COPY ... PROGRAM, no server file, no change", async () => {
      expect(existsSync(MARKER)).toBe(false);
      expect(existsSync(SERVER_FILE)).toBe(false);
      expect(await stateOf(t, driver)).toEqual(before);
    });

    it.runIf(driver === "postgres")(
      "300 generated hostile statements that are not reads: all refused, nothing changed",
      async () => {
        let refused = 0;
        await fc.assert(
          fc.asyncProperty(
            hostileSingleStatement.filter((c) => !c.expected.every((e) => e === "read")),
            async (c) => {
              const params = Array.from({ length: c.placeholders }, () => v.int(1));
              const outcome = await exec(reader, c.sql, params).then(
                () => undefined,
                (e: { code: number }) => e.code,
              );
              expect([status.PERMISSION_DENIED, status.INVALID_ARGUMENT], c.sql).toContain(outcome);
              refused++;
            },
          ),
          { seed: HOSTILE_SEED + 4, numRuns: 300 },
        );
        expect(refused).toBe(300);
        expect(await stateOf(t, driver)).toEqual(before);
      },
    );
  },
);

describe("SQLite: the database's own wall behind a guard that is wrong", () => {
  let t: TestProxy;
  let before: unknown;
  // A broken guard: admits everything, but passes on the caller's real grant (read only).
  const wrongGuard: StatementGuard = {
    async checkStatement(check) {
      const statement = check.statement;
      return {
        statementClass: "read",
        fingerprint: statement?.fingerprint ?? "",
        fingerprintId: statement?.fingerprintId ?? "0000000000000000",
        permits: new Set(["read"]),
      };
    },
    checkSession() {},
  };
  beforeAll(async () => {
    t = await startTestProxy("sqlite", { guard: wrongGuard });
    await exec(t.client, "SELECT 1");
    before = await stateOf(t, "sqlite");
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    "DELETE FROM customer",
    "UPDATE customer SET city = 'x'",
    "INSERT INTO customer (customer_id, first_name) VALUES (999, 'x')",
    "DROP TABLE order_items",
    "CREATE TABLE intruder (a)",
    "ALTER TABLE customer ADD COLUMN b",
    `ATTACH DATABASE '${SERVER_FILE}' AS other`,
    "PRAGMA user_version = 9",
    "PRAGMA writable_schema = ON",
    `VACUUM INTO '${SERVER_FILE}'`,
    "VACUUM",
    "REINDEX",
    "ANALYZE",
  ])("%s: PERMISSION_DENIED by SQLite, nothing changed", async (sql) => {
    const { error } = await expectStatus(exec(t.client, sql), status.PERMISSION_DENIED, "DATABASE_PERMISSION_DENIED");
    expect(error.details).toContain("authorizer");
    expect(await stateOf(t, "sqlite")).toEqual(before);
  });

  it("reads still work", async () => {
    const result = await exec(t.client, "SELECT count(*) FROM customer");
    expect(Number(plain(result.rows[0]?.values[0]))).toBeGreaterThan(0);
  });
});
