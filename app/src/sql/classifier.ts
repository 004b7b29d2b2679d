// Statement classifier: tells the statement policy and the router what a piece of SQL does, from its
// leading keywords, without parsing it. Comments and literals cannot hide or fake keywords because
// classification works on tokens. Unrecognised statements are "admin" so that no policy mistakes
// them for reads. Throws SqlSyntaxError on unterminated strings or comments.

import { CLASS_RANK, type StatementClass } from "../core/parsed-statement.js";
import { splitStatements, wordUpper } from "./statements.js";
import { type Token, tokenize } from "./tokenizer.js";

export type { StatementClass };

export interface StatementClassification {
  statementClass: StatementClass;
  /** first keyword, upper-cased ("" when the statement does not start with a word) */
  firstKeyword: string;
  /** SELECT ... INTO TEMP / INTO <table>: a read that creates a table */
  selectIntoTemp: boolean;
  returnsRows: boolean;
}

export interface Classification extends StatementClassification {
  /** number of non-empty statements */
  statementCount: number;
}

/**
 * For a batch of several statements the summary is conservative: the class is the highest-ranked
 * one in CLASS_RANK's order (a batch is as dangerous as its worst statement), returnsRows and selectIntoTemp
 * are true if any statement has them, firstKeyword is the first statement's.
 */
const EMPTY: StatementClassification = {
  statementClass: "empty",
  firstKeyword: "",
  selectIntoTemp: false,
  returnsRows: false,
};

const DDL = new Set(["CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "GRANT", "REVOKE", "COMMENT"]);
const WRITE = new Set(["INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "COPY"]);
const TRANSACTION = new Set(["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END", "ABORT"]);
const SESSION = new Set([
  "DATABASE",
  "CONNECT",
  "DISCONNECT",
  "CLOSE",
  "USE",
  "ATTACH",
  "DETACH",
  "LISTEN",
  "UNLISTEN",
  "NOTIFY",
  "DISCARD",
  "PREPARE",
  "DEALLOCATE",
  "DECLARE",
  "OPEN",
  "FREE",
]);
const READ = new Set(["SELECT", "VALUES", "TABLE", "SHOW", "FETCH", "MOVE"]);
/** the main verb that may follow WITH name AS (...) */
const WITH_MAIN_VERBS = new Set(["SELECT", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE"]);

function result(statementClass: StatementClass, firstKeyword: string, returnsRows = false, selectIntoTemp = false) {
  return { statementClass, firstKeyword, returnsRows, selectIntoTemp };
}

function isOperator(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === "operator" && token.text === text;
}

/** Index of the first word at parenthesis depth 0 from `from` that satisfies `match`, or -1. */
function findTopLevelWord(tokens: readonly Token[], from: number, match: (word: string) => boolean): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (isOperator(token, "(")) depth++;
    else if (isOperator(token, ")")) depth = Math.max(0, depth - 1);
    else if (depth === 0 && token.kind === "word" && match(token.text.toUpperCase())) return i;
  }
  return -1;
}

function hasTopLevelReturning(tokens: readonly Token[], from: number): boolean {
  return findTopLevelWord(tokens, from, (w) => w === "RETURNING") >= 0;
}

/**
 * SELECT ... INTO TEMP t / INTO SCRATCH t / INTO t (PostgreSQL) creates a table. INTO followed by a
 * host variable (`:var`, ESQL/C) or a placeholder is not client SQL: it stays a read and the database
 * rejects it.
 */
function selectCreatesTable(tokens: readonly Token[], from: number): boolean {
  const into = findTopLevelWord(tokens, from, (w) => w === "INTO");
  if (into < 0) return false;
  const target = tokens[into + 1];
  return target !== undefined && (target.kind === "word" || target.kind === "quoted_identifier");
}

function classifySelect(tokens: readonly Token[], from: number, firstKeyword: string): StatementClassification {
  if (selectCreatesTable(tokens, from)) return result("write", firstKeyword, false, true);
  return result("read", firstKeyword, true);
}

function classifyWith(tokens: readonly Token[], start: number, firstKeyword: string): StatementClassification {
  // PostgreSQL data-modifying CTEs: WITH d AS (DELETE ... RETURNING *) SELECT * FROM d.
  let modifiesInCte = false;
  for (let i = start + 1; i < tokens.length; i++) {
    if (isOperator(tokens[i - 1], "(") && WRITE.has(wordUpper(tokens[i]))) modifiesInCte = true;
  }
  const main = findTopLevelWord(tokens, start + 1, (w) => WITH_MAIN_VERBS.has(w));
  const verb = wordUpper(tokens[main]);
  if (verb === "SELECT" || verb === "VALUES" || verb === "TABLE") {
    const select = classifySelect(tokens, main, firstKeyword);
    return modifiesInCte ? { ...select, statementClass: "write" } : select;
  }
  if (WRITE.has(verb)) return result("write", firstKeyword, hasTopLevelReturning(tokens, main));
  return result(modifiesInCte ? "write" : "admin", firstKeyword);
}

/** EXPLAIN only plans, unless ANALYZE makes it run the statement (PostgreSQL). */
function classifyExplain(tokens: readonly Token[], start: number, firstKeyword: string): StatementClassification {
  let i = start + 1;
  let analyze = false;
  if (isOperator(tokens[i], "(")) {
    for (i++; i < tokens.length && !isOperator(tokens[i], ")"); i++) {
      const word = wordUpper(tokens[i]);
      if (word === "ANALYZE" || word === "ANALYSE") analyze = true;
    }
    i++;
  }
  for (;;) {
    const word = wordUpper(tokens[i]);
    if (word === "ANALYZE" || word === "ANALYSE") analyze = true;
    else if (word !== "VERBOSE" && word !== "QUERY" && word !== "PLAN") break;
    i++;
  }
  if (!analyze) return result("read", firstKeyword, true);
  const explained = classifyFrom(tokens, i);
  return { ...explained, firstKeyword, returnsRows: true, selectIntoTemp: false };
}

function classifySet(tokens: readonly Token[], start: number, firstKeyword: string): StatementClassification {
  let second = wordUpper(tokens[start + 1]);
  let third = wordUpper(tokens[start + 2]);
  if (second === "LOCAL" || (second === "SESSION" && third === "ROLE")) {
    second = third; // PostgreSQL SET LOCAL ROLE / SET SESSION ROLE
    third = wordUpper(tokens[start + 3]);
  }
  if (second === "TRANSACTION" || second === "ISOLATION") return result("transaction", firstKeyword);
  if (second === "SESSION" && third === "CHARACTERISTICS") return result("transaction", firstKeyword);
  if (second === "CONNECTION" || second === "ROLE") return result("session", firstKeyword);
  if (second === "SESSION" && third === "AUTHORIZATION") return result("session", firstKeyword);
  return result("admin", firstKeyword); // SET EXPLAIN, PDQPRIORITY, LOCK MODE, OPTIMIZATION, search_path ...
}

/** Classifies the statement whose tokens start at `start` (comments already removed). */
function classifyFrom(tokens: readonly Token[], start: number): StatementClassification {
  // (SELECT 1) UNION (SELECT 2): the verb is behind the parentheses.
  let i = start;
  while (isOperator(tokens[i], "(")) i++;
  if (i >= tokens.length) return EMPTY;
  const first = wordUpper(tokens[i]);
  const second = wordUpper(tokens[i + 1]);

  if (first === "SELECT") return classifySelect(tokens, i, first);
  if (first === "WITH") return classifyWith(tokens, i, first);
  if (READ.has(first)) return result("read", first, true);
  if (first === "EXPLAIN") return classifyExplain(tokens, i, first);
  if (first === "UPDATE" && second === "STATISTICS") return result("admin", first);
  if (WRITE.has(first)) return result("write", first, hasTopLevelReturning(tokens, i));
  if (DDL.has(first)) return result("ddl", first);
  if (first === "EXECUTE") {
    // Informix EXECUTE FUNCTION returns rows; EXECUTE PROCEDURE / IMMEDIATE and PostgreSQL EXECUTE name
    // run code we cannot see.
    return result("procedure", first, second === "FUNCTION");
  }
  if (first === "CALL" || first === "DO") return result("procedure", first);
  if (first === "SET") return classifySet(tokens, i, first);
  // PostgreSQL RESET ROLE / RESET SESSION AUTHORIZATION undo SET ROLE: they change who the connection is.
  if (
    first === "RESET" &&
    (second === "ROLE" || (second === "SESSION" && wordUpper(tokens[i + 2]) === "AUTHORIZATION"))
  ) {
    return result("session", first);
  }
  if (TRANSACTION.has(first)) return result("transaction", first);
  if (first === "START") return result(second === "TRANSACTION" ? "transaction" : "admin", first);
  if (SESSION.has(first)) return result("session", first);
  // LOCK / UNLOCK TABLE, VACUUM, ANALYZE, REINDEX, PRAGMA, RESET, CHECKPOINT, and anything unknown.
  return result("admin", first);
}

/** Classification of one statement's significant tokens, as splitStatements returns them. */
export function classifyStatementTokens(tokens: readonly Token[]): StatementClassification {
  return classifyFrom(tokens, 0);
}

/** Classification of each non-empty statement of the text, in order. */
export function classifyStatements(sql: string): StatementClassification[] {
  return splitStatements(tokenize(sql)).map((tokens) => classifyFrom(tokens, 0));
}

export function classify(sql: string): Classification {
  return summarize(classifyStatements(sql));
}

/** The conservative summary of already classified statements (see CLASS_RANK). */
export function summarize(statements: readonly StatementClassification[]): Classification {
  const first = statements[0];
  if (first === undefined) return { ...EMPTY, statementCount: 0 };
  let summary: Classification = { ...first, statementCount: statements.length };
  for (const statement of statements.slice(1)) {
    if (CLASS_RANK.indexOf(statement.statementClass) > CLASS_RANK.indexOf(summary.statementClass)) {
      summary = { ...summary, statementClass: statement.statementClass };
    }
    summary.returnsRows ||= statement.returnsRows;
    summary.selectIntoTemp ||= statement.selectIntoTemp;
  }
  return summary;
}
