// The PostgreSQL dialect: one call of PostgreSQL's own scanner and parser per statement text (libpg-query).
//   1. `?` placeholders become `$n` where the scanner says they are operators (placeholders.ts);
//   2. the numbered text, exactly what the driver will send, is parsed: a text the grammar rejects is a
//      SqlSyntaxError (INVALID_ARGUMENT), so it never reaches the database;
//   3. each statement of the tree is classified from the whole tree (classify-tree.ts);
//   4. the fingerprint id is libpg_query's tree fingerprint, the readable form comes from the scanner's tokens.

import type { ScanToken } from "libpg-query";
import {
  type ClassifiedStatement,
  classesOf,
  highestClass,
  type ParsedStatement,
  type SqlDialect,
} from "../../core/parsed-statement.js";
import { checkSqlText } from "../text-checks.js";
import { SqlSyntaxError } from "../tokenizer.js";
import { classifyTree } from "./classify-tree.js";
import { readableFingerprint } from "./fingerprint.js";
import { PostgresSyntaxError, parseTree, treeFingerprint } from "./parser.js";
import { numberPlaceholders } from "./placeholders.js";

/** PostgreSQL's message without the `at or near "<client text>"` part: errors never echo the statement. */
function safeMessage(message: string): string {
  return message.replace(/\s+at or near\s+".*"\s*$/s, "").slice(0, 120);
}

function charOffset(sql: string, byteOffset: number): number {
  return Buffer.from(sql, "utf8").subarray(0, byteOffset).toString("utf8").length;
}

function classified(statement: unknown, keywords: ReadonlySet<string>): ClassifiedStatement {
  const tree = classifyTree(statement, keywords);
  const classes = classesOf(tree.effects);
  return {
    statementClass: highestClass(classes),
    classes,
    effects: tree.effects,
    firstKeyword: tree.firstKeyword,
    selectIntoTemp: tree.selectIntoTemp,
    returnsRows: tree.returnsRows,
    dynamicSql: tree.dynamicSql,
  };
}

/** libpg-query refuses an empty text; it holds no statement. */
function emptyStatement(sql: string): ParsedStatement {
  return {
    dialect: "postgres",
    sql,
    driverSql: sql,
    statements: [],
    statementClass: "empty",
    fingerprint: "",
    fingerprintId: treeFingerprint("-- empty"),
    placeholderCount: 0,
  };
}

/** The lower-cased keywords among the tokens of one statement (its byte range; stmt_len 0 = to the end). */
function keywordsOf(tokens: readonly ScanToken[], raw: { stmt_location?: number; stmt_len?: number }): Set<string> {
  const start = raw.stmt_location ?? 0;
  const end = raw.stmt_len ? start + raw.stmt_len : Number.POSITIVE_INFINITY;
  const keywords = new Set<string>();
  for (const token of tokens) {
    if (token.start >= start && token.end <= end && token.keywordKind !== 0) keywords.add(token.text.toLowerCase());
  }
  return keywords;
}

export const postgresDialect: SqlDialect = {
  name: "postgres",
  parse(sql: string): ParsedStatement {
    checkSqlText(sql);
    if (sql.trim() === "") return emptyStatement(sql);
    let numbered: ReturnType<typeof numberPlaceholders> | undefined;
    let stmts: readonly { stmt?: unknown; stmt_location?: number; stmt_len?: number }[];
    try {
      numbered = numberPlaceholders(sql);
      stmts = parseTree(numbered.sql).stmts ?? [];
    } catch (error) {
      if (error instanceof PostgresSyntaxError) {
        // Offsets of a parse error are in the numbered text, of a scan error in the client's.
        const text = numbered?.sql ?? sql;
        throw new SqlSyntaxError(safeMessage(error.message), charOffset(text, error.byteOffset));
      }
      throw error;
    }
    const statements = stmts.map((raw) => classified(raw.stmt, keywordsOf(numbered.tokens, raw)));
    return {
      dialect: "postgres",
      sql,
      driverSql: numbered.sql,
      statements,
      statementClass: highestClass(statements.map((s) => s.statementClass)),
      fingerprint: readableFingerprint(numbered.tokens),
      fingerprintId: treeFingerprint(numbered.sql),
      placeholderCount: numbered.count,
    };
  },
};
