// SQLite statements through the project's own tokenizer (tokenizer.ts, classifier.ts) in its SQLite flavor: one
// tokenization serves the split into statements, their classes, the placeholder count and the fingerprint.
// Informix has its own lexer after IBM's grammar (informix/, wired in dialects.ts); for SQLite the database itself
// is the second wall (db/drivers/sqlite/authorizer.ts).
import {
  type ClassifiedStatement,
  classesOf,
  type ParsedStatement,
  type SqlDialect,
  type SqlDialectName,
  type StatementEffect,
} from "../core/parsed-statement.js";
import { classifyStatementTokens, summarize } from "./classifier.js";
import { runsDynamicSql } from "./dynamic-sql.js";
import { fingerprintOfTokens, idOfFingerprint } from "./fingerprint.js";
import { splitStatements } from "./statements.js";
import { checkSqlText } from "./text-checks.js";
import { type Token, tokenize } from "./tokenizer.js";

/** SQLite's ATTACH and DETACH change the connection and open (or create) any database file: session and admin. */
const SQLITE_FILE_STATEMENTS = new Set(["ATTACH", "DETACH"]);

function classified(dialect: Exclude<SqlDialectName, "postgres">, tokens: readonly Token[]): ClassifiedStatement {
  const c = classifyStatementTokens(tokens);
  const dynamicSql = runsDynamicSql(tokens);
  const cause = c.selectIntoTemp
    ? "SELECT ... INTO creates a table"
    : dynamicSql
      ? c.firstKeyword === "DO"
        ? "anonymous code (DO)"
        : "EXECUTE IMMEDIATE"
      : c.firstKeyword || c.statementClass;
  const effects: StatementEffect[] = [{ statementClass: c.statementClass, cause }];
  if (dialect === "sqlite" && SQLITE_FILE_STATEMENTS.has(c.firstKeyword)) {
    effects.push({ statementClass: "admin", cause: `${c.firstKeyword} opens a database file` });
  }
  const classes = classesOf(effects);
  return {
    statementClass: c.statementClass,
    classes,
    effects,
    firstKeyword: c.firstKeyword,
    selectIntoTemp: c.selectIntoTemp,
    returnsRows: c.returnsRows,
    dynamicSql,
  };
}

export function tokenDialect(name: Exclude<SqlDialectName, "postgres">): SqlDialect {
  return {
    name,
    parse(sql: string): ParsedStatement {
      checkSqlText(sql);
      const tokens = tokenize(sql, { flavor: name === "sqlite" ? "sqlite" : "any" }); // throws SqlSyntaxError
      const statements = splitStatements(tokens).map((t) => classified(name, t));
      const fingerprint = fingerprintOfTokens(tokens);
      return {
        dialect: name,
        sql,
        driverSql: sql,
        statements,
        statementClass: summarize(statements).statementClass,
        fingerprint,
        fingerprintId: idOfFingerprint(fingerprint),
        placeholderCount: tokens.filter((t) => t.kind === "placeholder").length,
      };
    },
  };
}
