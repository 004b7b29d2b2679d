// Differential property test of the PostgreSQL guard (fast-check, fixed seed): thousands of hostile
// statements (support/hostile-postgres.ts), each also written plainly. For every one:
//   - the classes the dialect gives the hostile text equal those libpg-query's parse gives the plain text, and
//     both equal the template's declared classes;
//   - the parse trees are the same, values included (positions aside);
//   - every `?` is found, and none inside literals, identifiers or comments;
//   - the guard (policy + a read-only role) admits the text if and only if every statement is a read.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { PolicyConfig } from "../../src/config/security-schema.js";
import { ApiError } from "../../src/core/api-error.js";
import type { ParsedStatement } from "../../src/core/parsed-statement.js";
import { createLogger } from "../../src/observability/logger.js";
import { createStatementGuard } from "../../src/policy/policy-guard.js";
import { postgresDialect } from "../../src/sql/postgres/dialect.js";
import { loadPostgresParser, parseTree } from "../../src/sql/postgres/parser.js";
import { HOSTILE_SEED as DIFFERENTIAL_SEED, hostileStatements } from "../support/hostile-postgres.js";
import { scannerNumberPlaceholders } from "../support/scanner-placeholders.js";

const RUNS = 4000;

/** The parse tree of the text the driver sends, without positions (which differ with spacing). */
function treeOf(_sql: string, parsed: ParsedStatement): unknown {
  return JSON.parse(JSON.stringify(parseTree(parsed.driverSql)), (key, value) =>
    key === "location" || key === "stmt_location" || key === "stmt_len" ? undefined : value,
  );
}

const classes = (parsed: ParsedStatement) => parsed.statements.map((s) => [...s.classes].sort().join("+"));

beforeAll(async () => {
  await loadPostgresParser();
});

describe("PostgreSQL guard, differential against libpg-query's parse of the plain statement", () => {
  // Seconds on an idle machine; the generous bound is for a machine shared with other test runs.
  it(`${RUNS} hostile statements: same classes, same tree, same placeholders`, { timeout: 180_000 }, () => {
    let statements = 0;
    fc.assert(
      fc.property(hostileStatements, (c) => {
        const hostile = postgresDialect.parse(c.sql);
        const plain = postgresDialect.parse(c.plain);
        expect(classes(hostile)).toEqual(c.expected);
        expect(classes(plain)).toEqual(c.expected);
        expect(treeOf(c.sql, hostile)).toEqual(treeOf(c.plain, plain));
        expect(hostile.fingerprintId).toBe(plain.fingerprintId);
        expect(hostile.placeholderCount).toBe(c.placeholders);
        expect(plain.placeholderCount).toBe(c.placeholders);
        statements += hostile.statements.length;
      }),
      { seed: DIFFERENTIAL_SEED, numRuns: RUNS },
    );
    expect(statements).toBeGreaterThan(RUNS);
  });

  it("the guard admits a reader's text if and only if every statement is a read", { timeout: 180_000 }, async () => {
    const guard = createStatementGuard({
      config: {
        auth: undefined,
        roles: { reader: { databases: { main: { allow: ["read"] } } } },
        policy: PolicyConfig.parse({ allowMultipleStatements: true }),
      },
      logger: createLogger("silent"),
    });
    const reader = { id: "api_key:reader", method: "api_key" as const, roles: ["reader"] };
    let admitted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostileStatements, async (c) => {
        const statement = postgresDialect.parse(c.sql);
        const check = {
          identity: reader,
          database: "main",
          sql: c.sql,
          statement,
          rpc: "Execute",
          inTransaction: false,
        };
        const outcome = await guard.checkStatement(check).then(
          (decision) => decision,
          (error: unknown) => error,
        );
        if (c.expected.every((e) => e === "read")) {
          expect(outcome).not.toBeInstanceOf(Error);
          admitted++;
        } else {
          expect(outcome).toBeInstanceOf(ApiError);
          expect((outcome as ApiError).reason).toMatch(/^(ROLE_DENIED|POLICY_DDL_DENIED|POLICY_SESSION_STATEMENT)$/);
          refused++;
        }
      }),
      { seed: DIFFERENTIAL_SEED + 1, numRuns: RUNS / 2 },
    );
    expect(admitted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(500);
  });

  it("placeholders: the proxy's numbering agrees with PostgreSQL's own scanner", { timeout: 180_000 }, () => {
    // Hostile statements, and raw soups of the characters that decide where a `?` belongs.
    const soup = fc
      .array(
        fc.constantFrom(
          "?",
          "??",
          "a",
          "$",
          "$$",
          "1",
          "=",
          "<",
          "-",
          "'",
          '"',
          "--",
          "/*",
          "*/",
          "\n",
          " ",
          "(",
          ")",
          "E'",
          "U&'",
          "\\",
          "SELECT ",
          " FROM t",
          ",",
        ),
        { maxLength: 14 },
      )
      .map((parts) => `SELECT ${parts.join("")}`);
    let agreed = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          hostileStatements.map((c) => c.sql),
          soup,
        ),
        (sql) => {
          let parsed: ParsedStatement | undefined;
          try {
            parsed = postgresDialect.parse(sql);
          } catch {
            return; // refusing more than the scanner would is safe
          }
          const oracle = scannerNumberPlaceholders(sql);
          expect(parsed.driverSql).toBe(oracle.sql);
          expect(parsed.placeholderCount).toBe(oracle.count);
          agreed++;
        },
      ),
      { seed: DIFFERENTIAL_SEED + 5, numRuns: RUNS },
    );
    expect(agreed).toBeGreaterThan(RUNS / 2);
  });
});
