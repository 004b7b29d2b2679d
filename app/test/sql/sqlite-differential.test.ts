// Differential property test of the SQLite guard (fast-check, fixed seed): the class the tokenizer dialect
// gives each hostile statement against what SQLite itself reports while compiling it (the authorizer's
// actions, from SQLite's real parse). The guard must never need less than SQLite would do; for the templates'
// statement kinds it must name exactly the declared class.
import { constants, DatabaseSync } from "node:sqlite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatementClass } from "../../src/core/parsed-statement.js";
import { type ActionNeed, actionNeed, allows } from "../../src/db/drivers/sqlite/authorizer.js";
import { requiredGrants } from "../../src/policy/policy-guard.js";
import { tokenDialect } from "../../src/sql/token-dialect.js";
import { HOSTILE_SEED } from "../support/hostile-postgres.js";
import { hostileSqlite } from "../support/hostile-sqlite.js";

const RUNS = 3000;
const sqlite = tokenDialect("sqlite");

describe("SQLite guard, differential against SQLite's own compile", () => {
  let db: DatabaseSync;
  beforeAll(() => {
    db = new DatabaseSync(":memory:");
    db.exec(
      "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, city TEXT); CREATE TABLE orders (customer_id INTEGER, city TEXT)",
    );
  });
  afterAll(() => db.close());

  /** The classes SQLite reports for the statement while compiling it (it is never run), or undefined if it does not compile. */
  function observed(sql: string): Set<ActionNeed> | undefined {
    const needs = new Set<ActionNeed>();
    const dropped = new Set<string>();
    db.setAuthorizer((code, arg1, arg2) => {
      // As the driver's authorizer does: the DELETE of a dropped table's rows is part of the drop.
      if (code === constants.SQLITE_DROP_TABLE) dropped.add(String(arg1).toLowerCase());
      const partOfDrop = code === constants.SQLITE_DELETE && dropped.has(String(arg1).toLowerCase());
      needs.add(partOfDrop ? "ddl" : actionNeed(code, arg1, arg2));
      return 0;
    });
    try {
      db.prepare(sql);
      return needs;
    } catch {
      return undefined;
    } finally {
      db.setAuthorizer(null);
    }
  }

  it(`${RUNS} hostile statements: the guard needs at least what SQLite does, and names the declared class`, {
    timeout: 120_000,
  }, () => {
    let compiled = 0;
    fc.assert(
      fc.property(hostileSqlite, (c) => {
        const parsed = sqlite.parse(c.sql);
        expect(parsed.statements).toHaveLength(1);
        const statement = parsed.statements[0] as (typeof parsed.statements)[number];
        expect(statement.statementClass).toBe(c.expected);
        expect(parsed.placeholderCount).toBe(c.placeholders);
        // A caller granted exactly what the guard requires must be allowed everything SQLite will do.
        const grants = new Set<StatementClass>(requiredGrants(statement).map((g) => g.grantClass));
        const needs = observed(c.sql);
        if (!needs) return;
        compiled++;
        for (const need of needs) {
          if (need === "never") continue; // always refused by the authorizer, whatever the guard says
          expect(allows(grants, need), `${c.sql}: SQLite needs ${need}, the guard requires ${[...grants]}`).toBe(true);
        }
      }),
      { seed: HOSTILE_SEED + 10, numRuns: RUNS },
    );
    expect(compiled).toBeGreaterThan(RUNS / 2);
  });
});

describe("SQLite dialect: SQLite's own lexical forms", () => {
  const classes = (sql: string) => sqlite.parse(sql).statements.map((s) => s.classes.join("+"));

  it("reads [..] and `..` as quoted identifiers, and E'', $$ and { } as nothing special", () => {
    expect(classes("SELECT `a'b;`, [c;d'] FROM customer")).toEqual(["read"]);
    expect(classes("SELECT [x] FROM customer; DELETE FROM customer")).toEqual(["read", "write"]);
    // E'\' is the identifier E and the string '\' in SQLite: the DELETE is a statement of its own.
    expect(classes("SELECT E'\\'; DELETE FROM customer; --'")).toEqual(["read", "write"]);
    expect(classes("SELECT 1 { ; DELETE FROM customer }")).toEqual(["read", "write"]);
    expect(sqlite.parse("SELECT $x, ? FROM customer").placeholderCount).toBe(1);
  });

  it("ATTACH and DETACH are session and admin: they open any database file", () => {
    expect(classes("ATTACH DATABASE '/tmp/x.db' AS x")).toEqual(["admin+session"]);
    expect(classes("DETACH x")).toEqual(["admin+session"]);
  });

  it("refuses what SQLite would read differently from the API: ?NNN, unterminated [", () => {
    expect(() => sqlite.parse("SELECT ?2")).toThrow(/\?NNN/);
    expect(() => sqlite.parse("SELECT [x FROM customer")).toThrow(/unterminated/);
  });
});
