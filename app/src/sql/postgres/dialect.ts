// The PostgreSQL dialect: PostgreSQL's own parser (libpg-query) for every statement text.
//   1. `?` placeholders become `$n` where the tokenizer (PostgreSQL flavor) finds them (placeholders.ts);
//   2. the numbered text, exactly what the driver will send, is parsed: a text the grammar rejects is a
//      SqlSyntaxError (INVALID_ARGUMENT), so it never reaches the database;
//   3. the parse tree must hold exactly the inserted parameters, each where it was put (verifyPlaceholders);
//   4. each statement of the tree is classified from the whole tree (classify-tree.ts);
//   5. the fingerprint id is libpg_query's tree fingerprint; the readable form comes from the tokens.

import type { ScanToken } from "libpg-query";
import {
  type ClassifiedStatement,
  classesOf,
  highestClass,
  type ParsedStatement,
  type SqlDialect,
} from "../../core/parsed-statement.js";
import { fingerprintOfTokens } from "../fingerprint.js";
import { checkSqlText } from "../text-checks.js";
import { SqlSyntaxError } from "../tokenizer.js";
import { classifyTree } from "./classify-tree.js";
import { PostgresSyntaxError, parseTree, scanTokens, treeFingerprint } from "./parser.js";
import { numberPlaceholders, type ParameterReference, verifyPlaceholders } from "./placeholders.js";

/** PostgreSQL's message without the `at or near "<client text>"` part: errors never echo the statement. */
function safeMessage(message: string): string {
  return message.replace(/\s+at or near\s+".*"\s*$/s, "").slice(0, 120);
}

function charOffset(sql: string, byteOffset: number): number {
  return Buffer.from(sql, "utf8").subarray(0, byteOffset).toString("utf8").length;
}

interface TreeFacts {
  parameters: ParameterReference[];
  questionMarkOperator: boolean;
}

function classified(statement: unknown, keywords: () => ReadonlySet<string>, facts: TreeFacts): ClassifiedStatement {
  const tree = classifyTree(statement, keywords);
  facts.parameters.push(...tree.parameters);
  facts.questionMarkOperator ||= tree.questionMarkOperator;
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
    const numbered = numberPlaceholders(sql); // throws SqlSyntaxError
    let stmts: readonly { stmt?: unknown; stmt_location?: number; stmt_len?: number }[];
    try {
      stmts = parseTree(numbered.sql).stmts ?? [];
    } catch (error) {
      if (error instanceof PostgresSyntaxError) {
        throw new SqlSyntaxError(safeMessage(error.message), charOffset(numbered.sql, error.byteOffset));
      }
      throw error;
    }
    // The scanner's keywords, only for the rare statement that asks (COPY: STDIN/STDOUT or a file?).
    let scanned: ScanToken[] | undefined;
    const tokensOnce = (): ScanToken[] => {
      scanned ??= scanTokens(numbered.sql);
      return scanned;
    };
    const facts: TreeFacts = { parameters: [], questionMarkOperator: false };
    const statements = stmts.map((raw) => classified(raw.stmt, () => keywordsOf(tokensOnce(), raw), facts));
    verifyPlaceholders(numbered, facts.parameters, facts.questionMarkOperator);
    const fingerprint = fingerprintOfTokens(numbered.tokens);
    return {
      dialect: "postgres",
      sql,
      driverSql: numbered.sql,
      statements,
      statementClass: highestClass(statements.map((s) => s.statementClass)),
      fingerprint,
      fingerprintId: treeFingerprint(numbered.sql),
      placeholderCount: numbered.count,
    };
  },
};
