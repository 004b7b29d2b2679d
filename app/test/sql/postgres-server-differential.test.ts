// Differential test against the real PostgreSQL server: the guard's parser (libpg-query) and the server's own
// must read every hostile statement the same way. Each generated statement (and a mutated twin with a unicode
// space or a homoglyph, which PostgreSQL reads as identifier characters) runs on the test server inside a
// READ ONLY transaction as a role that may only SELECT, then is rolled back:
//   - the guard rejects the text  =>  the server rejects it too;
//   - the guard parses it         =>  the server raises no syntax error (42601);
//   - the guard calls it a read   =>  the server raises no read-only violation (25006: it tried to write).
// A COPY ... PROGRAM that got through would leave its marker file: none may exist afterwards.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ParsedStatement } from "../../src/core/parsed-statement.js";
import { createDemoDatabase } from "../../src/db/demo/index.js";
import { postgresDialect } from "../../src/sql/postgres/dialect.js";
import { loadPostgresParser } from "../../src/sql/postgres/parser.js";
import { HOSTILE_SEED, hostileSingleStatement, mutatedStatement } from "../support/hostile-postgres.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

const RUNS = 1000;

describe("PostgreSQL guard, differential against the server's own parser", () => {
  let db: TestDatabase;
  let client: pg.Client;
  const role = `igp_fuzz_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    await loadPostgresParser();
    db = await createTestDatabase("diff");
    await createDemoDatabase("postgres", (sql) => db.admin(sql));
    await db.admin(`CREATE ROLE ${role} NOLOGIN`);
    await db.admin(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await db.admin(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const server = inject("postgres");
    client = new pg.Client({ ...server, database: db.config.database });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.admin(`DROP OWNED BY ${role}`).catch(() => undefined);
    await db?.drop();
    const cleanup = new pg.Client({ ...inject("postgres") });
    await cleanup.connect();
    await cleanup.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await cleanup.end();
  });

  /** Runs the text on the server as the SELECT-only role in a rolled-back READ ONLY transaction. */
  async function onServer(sql: string): Promise<string | undefined> {
    await client.query(
      `BEGIN READ ONLY; SET LOCAL ROLE ${role}; SET LOCAL statement_timeout = 2000; SET LOCAL lock_timeout = 200`,
    );
    try {
      await client.query({ text: sql, queryMode: "extended" } as pg.QueryConfig);
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code ?? "unknown";
    } finally {
      await client.query("ROLLBACK");
    }
  }

  function guardParse(sql: string): ParsedStatement | undefined {
    try {
      return postgresDialect.parse(sql);
    } catch {
      return undefined;
    }
  }

  async function agree(sql: string, tally: Record<string, number>): Promise<void> {
    const parsed = guardParse(sql);
    const sqlstate = await onServer(parsed?.driverSql ?? sql);
    if (!parsed) {
      expect(sqlstate, `the guard rejects ${JSON.stringify(sql)}, the server ran it`).toBeDefined();
      tally.rejectedByBoth = (tally.rejectedByBoth ?? 0) + 1;
      return;
    }
    // A DO block's body is PL/pgSQL, compiled by the server only: its syntax errors are not the parser's.
    const dynamic = parsed.statements.some((s) => s.dynamicSql);
    if (!dynamic) {
      expect(sqlstate, `the guard parsed ${JSON.stringify(sql)}, the server calls it a syntax error`).not.toBe("42601");
    }
    const reads = parsed.statements.every((s) => s.classes.every((c) => c === "read"));
    if (reads) {
      expect(sqlstate, `the guard calls ${JSON.stringify(sql)} a read, the server saw a write`).not.toBe("25006");
      tally.reads = (tally.reads ?? 0) + 1;
    } else if (sqlstate === "25006") {
      tally.writesCaughtByServer = (tally.writesCaughtByServer ?? 0) + 1;
    }
  }

  it(`${RUNS} hostile statements read the same by the guard and by the server`, { timeout: 180_000 }, async () => {
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        hostileSingleStatement.filter((c) => c.placeholders === 0),
        async (c) => await agree(c.sql, tally),
      ),
      { seed: HOSTILE_SEED + 2, numRuns: RUNS },
    );
    expect(tally.reads).toBeGreaterThan(20);
    expect(tally.writesCaughtByServer).toBeGreaterThan(20);
  });

  it(`${RUNS} mutated statements (unicode spaces, homoglyphs) read the same by the guard and by the server`, {
    timeout: 180_000,
  }, async () => {
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        mutatedStatement.filter((m) => m.original.placeholders === 0),
        async (m) => await agree(m.sql, tally),
      ),
      { seed: HOSTILE_SEED + 3, numRuns: RUNS },
    );
    expect(tally.rejectedByBoth).toBeGreaterThan(20);
  });

  it("a COPY ... PROGRAM the server was asked to run left no file", async () => {
    const marker = `/tmp/igp-copy-program-${randomBytes(6).toString("hex")}`;
    const sqlstate = await onServer(`COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`);
    expect(sqlstate).toBe("42501"); // the SELECT-only role may not; the guard never sends it for a reader anyway
    expect(existsSync(marker)).toBe(false);
  });
});
