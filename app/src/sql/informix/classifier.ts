// Statement classes for Informix SQL, from the statement list of IBM's "Informix Guide to SQL: Syntax" and what only
// Informix has. Each statement collects every class it needs, each with its cause (`effects`); its class is the
// highest of them. What the classifier does not recognise is `admin`, so nothing unknown passes as a read. The
// shapes match the ParsedStatement vocabulary of the other dialects (classes highest first, the same ranking).
import { CLASS_RANK, type StatementClass } from "../../core/parsed-statement.js";
import { ambiguous } from "./refusal.js";
import { ADMIN_DATABASES, ADMIN_ROUTINES } from "./server-routines.js";
import { isOperator, keyword, type ReadToken, routineHeaderEnd } from "./statements.js";

/** The classes and their ranking are the ones every dialect shares (core/parsed-statement.ts). */
export type InformixStatementClass = StatementClass;
export { CLASS_RANK };

/** Why a statement needs a class; `cause` is fixed text from this file, never client data. */
export interface InformixEffect {
  statementClass: InformixStatementClass;
  cause: string;
}

export interface InformixStatement {
  /** The highest of `classes`. */
  statementClass: InformixStatementClass;
  /** Every class the statement needs, highest first, e.g. CREATE PROCEDURE whose body deletes: ddl and write. */
  classes: InformixStatementClass[];
  /** One entry per class, saying why (refusals quote the cause of the class not granted). */
  effects: InformixEffect[];
  /** First keyword, upper-cased ("" when the statement does not start with one). */
  firstKeyword: string;
  returnsRows: boolean;
  /** SELECT ... INTO TEMP / SCRATCH / STANDARD / RAW: a read that creates a table. */
  selectIntoTemp: boolean;
  /** Runs SQL text built at run time (EXECUTE IMMEDIATE, EXECUTE of a prepared id): anything can happen. */
  dynamicSql: boolean;
}

export function highest(classes: Iterable<InformixStatementClass>): InformixStatementClass {
  let top: InformixStatementClass = "empty";
  for (const c of classes) if (CLASS_RANK.indexOf(c) > CLASS_RANK.indexOf(top)) top = c;
  return top;
}

class Needs {
  /** The first cause found for each class. */
  readonly causes = new Map<InformixStatementClass, string>();
  returnsRows = false;
  selectIntoTemp = false;
  dynamicSql = false;

  add(statementClass: InformixStatementClass, cause: string): void {
    if (!this.causes.has(statementClass)) this.causes.set(statementClass, cause);
  }
}

const DDL_VERBS = new Set(["CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "GRANT", "REVOKE"]);
const WRITE_VERBS = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);
const TRANSACTION_VERBS = new Set(["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"]);
// [Syntax: Client/Server connection statements] and the ESQL/C cursor and dynamic-management statements, which
// change what the pooled connection is (the CLI rejects most of them; the server never sees a read in them).
const SESSION_VERBS = new Set([
  "DATABASE",
  "CONNECT",
  "DISCONNECT",
  "CLOSE",
  "PREPARE",
  "DECLARE",
  "OPEN",
  "FREE",
  "DESCRIBE",
  "ALLOCATE",
  "DEALLOCATE",
]);
/** Principals and trusted contexts are the server's access control, not a schema object. */
const ADMIN_OBJECTS = new Set(["USER", "DEFAULT", "TRUSTED"]);
/** GRANT forms that hand out server-wide power or impersonation. */
const ADMIN_GRANTS = new Set(["DBA", "DBSECADM", "ACCESS", "EXEMPTION", "SECURITY", "SETSESSIONAUTH"]);

/** Classifies one statement's tokens (comments removed) under one reading of double quotes. */
export function classifyStatement(tokens: readonly ReadToken[]): InformixStatement {
  let i = 0;
  while (isOperator(tokens[i], "(")) i++;
  const first = keyword(tokens[i]);
  const needs = new Needs();
  if (i >= tokens.length) needs.add("empty", "empty statement");
  else classifyVerb(tokens, i, first, needs);
  scanServerObjects(tokens, needs);
  const classes = CLASS_RANK.filter((c) => needs.causes.has(c)).reverse();
  return {
    statementClass: highest(classes),
    classes,
    effects: classes.map((c) => ({ statementClass: c, cause: needs.causes.get(c) as string })),
    firstKeyword: first,
    returnsRows: needs.returnsRows,
    selectIntoTemp: needs.selectIntoTemp,
    dynamicSql: needs.dynamicSql,
  };
}

function classifyVerb(tokens: readonly ReadToken[], i: number, first: string, needs: Needs): void {
  const second = keyword(tokens[i + 1]);
  switch (first) {
    case "SELECT":
      classifySelect(tokens, i, needs);
      return;
    case "WITH":
      classifyWith(tokens, i, needs);
      return;
    case "INSERT":
    case "DELETE":
    case "MERGE":
      needs.add("write", `${first} changes table data`);
      requireCalledRoutines(tokens, needs);
      return;
    case "UPDATE":
      // [Syntax: UPDATE STATISTICS] rewrites the optimizer's catalogue and can run for hours: not a data write.
      if (second === "STATISTICS") needs.add("admin", "UPDATE STATISTICS rebuilds the optimizer statistics");
      else needs.add("write", "UPDATE changes table data");
      requireCalledRoutines(tokens, needs);
      return;
    case "EXECUTE":
      classifyExecute(second, needs);
      return;
    case "CALL":
      // [Syntax: CALL] (SPL): runs a routine that may write.
      needs.add("procedure", "CALL runs a routine that may change data");
      return;
    case "CREATE":
      classifyCreate(tokens, i, needs);
      return;
    case "ALTER":
    case "DROP":
    case "RENAME":
      if (ADMIN_OBJECTS.has(second)) needs.add("admin", `${first} ${second} changes the server's principals`);
      else needs.add("ddl", `${first} changes the schema`);
      return;
    case "TRUNCATE":
    case "REVOKE":
      needs.add("ddl", `${first} changes the schema or privileges`);
      return;
    case "GRANT":
      if (ADMIN_GRANTS.has(second)) needs.add("admin", `GRANT ${second} hands out server-wide authority`);
      else needs.add("ddl", "GRANT changes privileges");
      return;
    case "START":
    case "STOP":
      // [Syntax: START VIOLATIONS TABLE] creates (or stops feeding) violation and diagnostics tables.
      if (second === "VIOLATIONS") needs.add("ddl", `${first} VIOLATIONS TABLE creates or detaches tables`);
      else needs.add("admin", "unrecognised statement");
      return;
    case "SET":
      classifySet(tokens, i, needs);
      return;
    case "LOAD":
    case "UNLOAD":
    case "OUTPUT":
      // [Syntax: LOAD, UNLOAD, OUTPUT] (DB-Access): read or write files named in the statement.
      needs.add("admin", `${first} reads or writes files`);
      return;
    case "SAVE":
      // [Syntax: SAVE EXTERNAL DIRECTIVES] stores optimizer directives that apply to every session's queries.
      needs.add("admin", "SAVE EXTERNAL DIRECTIVES changes query plans for every session");
      return;
    case "SYSTEM":
      // [Syntax: SYSTEM] (SPL): runs an operating-system command on the database server host.
      needs.add("admin", "SYSTEM runs an operating-system command on the database server");
      return;
    case "LOCK":
    case "UNLOCK":
      needs.add("admin", `${first} TABLE blocks other sessions`);
      return;
    case "FETCH":
      needs.add("read", "FETCH reads from a cursor");
      needs.returnsRows = true;
      return;
    case "PUT":
    case "FLUSH":
      // [Syntax: PUT, FLUSH] send rows through an insert cursor.
      needs.add("write", `${first} inserts rows through a cursor`);
      return;
    default:
      if (TRANSACTION_VERBS.has(first)) {
        needs.add("transaction", `${first} controls the transaction`);
        return;
      }
      if (SESSION_VERBS.has(first)) {
        needs.add("session", `${first} changes the connection the proxy manages`);
        return;
      }
      needs.add("admin", first === "" ? "a statement that does not start with a keyword" : "unrecognised statement");
  }
}

/** Index of the next word at any depth from `from` satisfying match, or -1. */
function findWord(tokens: readonly ReadToken[], from: number, match: (word: string) => boolean): number {
  for (let i = from; i < tokens.length; i++) if (match(keyword(tokens[i]))) return i;
  return -1;
}

/**
 * [Syntax: SELECT, INTO Table Clauses]: INTO TEMP / SCRATCH / STANDARD / RAW create a table, INTO EXTERNAL writes
 * data files on the server. INTO anywhere in a SELECT (any depth) counts: through the API there are no SPL or host
 * variables to select into, so any INTO is a table, or an error.
 */
function classifySelect(tokens: readonly ReadToken[], from: number, needs: Needs): void {
  let into = findWord(tokens, from, (w) => w === "INTO");
  let creates = false;
  while (into >= 0) {
    creates = true;
    const target = keyword(tokens[into + 1]);
    if (target === "EXTERNAL") needs.add("admin", "SELECT ... INTO EXTERNAL writes data files on the database server");
    else {
      needs.add("write", "SELECT ... INTO creates a table");
      needs.selectIntoTemp = true;
    }
    into = findWord(tokens, into + 1, (w) => w === "INTO");
  }
  // FOR UPDATE takes update locks: it needs what an UPDATE needs.
  const forUpdate = findWord(tokens, from, (w) => w === "FOR");
  if (forUpdate >= 0 && keyword(tokens[forUpdate + 1]) === "UPDATE")
    needs.add("write", "SELECT ... FOR UPDATE locks rows");
  if (!creates) {
    needs.add("read", "SELECT reads");
    needs.returnsRows = true;
  }
  requireCalledRoutines(tokens, needs);
}

/** [Syntax: WITH (common table expressions)]: the main verb decides; a data-changing verb anywhere makes it a write. */
function classifyWith(tokens: readonly ReadToken[], from: number, needs: Needs): void {
  const write = findWord(tokens, from + 1, (w) => WRITE_VERBS.has(w));
  if (write >= 0) needs.add("write", `WITH ... ${keyword(tokens[write])} changes table data`);
  const select = findWord(tokens, from + 1, (w) => w === "SELECT");
  if (select >= 0) classifySelect(tokens, select, needs);
  if (write < 0 && select < 0) needs.add("admin", "unrecognised WITH statement");
}

/**
 * [Syntax: EXECUTE PROCEDURE, EXECUTE FUNCTION]: a routine may write, so both are `procedure` (admin when the routine
 * is one of server-routines.ts). EXECUTE IMMEDIATE and EXECUTE of a prepared statement id run text the proxy never
 * saw.
 */
function classifyExecute(second: string, needs: Needs): void {
  if (second === "PROCEDURE" || second === "FUNCTION") {
    needs.add("procedure", `EXECUTE ${second} runs a routine that may change data`);
    needs.returnsRows = second === "FUNCTION";
    return;
  }
  needs.dynamicSql = true;
  needs.add(
    "admin",
    second === "IMMEDIATE"
      ? "EXECUTE IMMEDIATE runs SQL built at run time"
      : "EXECUTE runs a statement prepared elsewhere",
  );
}

/** INSERT ... EXECUTE FUNCTION f(), a trigger action or a routine call inside another statement needs `procedure` too. */
function requireCalledRoutines(tokens: readonly ReadToken[], needs: Needs): void {
  for (let j = 0; j < tokens.length - 1; j++) {
    const next = keyword(tokens[j + 1]);
    if (keyword(tokens[j]) === "EXECUTE" && (next === "PROCEDURE" || next === "FUNCTION")) {
      needs.add("procedure", `EXECUTE ${next} runs a routine that may change data`);
    }
  }
}

function classifyCreate(tokens: readonly ReadToken[], i: number, needs: Needs): void {
  let j = i + 1;
  if (keyword(tokens[j]) === "OR" && keyword(tokens[j + 1]) === "REPLACE") j += 2;
  const object = keyword(tokens[j]);
  const next = keyword(tokens[j + 1]);
  if (object === "EXTERNAL" && next === "TABLE") {
    // [Syntax: CREATE EXTERNAL TABLE]: its DATAFILES name files (or pipes) on the server host that it reads and writes.
    needs.add("admin", "CREATE EXTERNAL TABLE reads and writes files on the database server");
    return;
  }
  if (ADMIN_OBJECTS.has(object)) {
    needs.add("admin", `CREATE ${object} changes the server's principals`);
    return;
  }
  if ((object === "PROCEDURE" || object === "FUNCTION" || object === "ROUTINE") && next === "FROM") {
    // [Syntax: CREATE PROCEDURE FROM / CREATE ROUTINE FROM]: the routine text comes from a file.
    needs.add("admin", `CREATE ${object} FROM reads the routine from a file`);
    return;
  }
  if (routineHeaderEnd(tokens, i) >= 0) {
    classifyRoutine(tokens, i, needs);
    return;
  }
  needs.add("ddl", "CREATE changes the schema");
  requireCalledRoutines(tokens, needs);
}

/** Words in an SPL body that start statements of a class beyond the routine's own ddl. */
const BODY_ADMIN_WORDS = new Map([
  ["SYSTEM", "an SPL routine with SYSTEM runs operating-system commands on the database server"],
  ["LOAD", "an SPL routine with LOAD reads files"],
  ["UNLOAD", "an SPL routine with UNLOAD writes files"],
  ["IMMEDIATE", "an SPL routine with EXECUTE IMMEDIATE runs SQL built at run time"],
]);

/**
 * [Syntax: CREATE PROCEDURE, CREATE FUNCTION, SPL statements]. Creating a routine is ddl; its body is what later
 * runs with the caller's (or, for DBA routines, the DBA's) privileges, so creating it needs every class its body
 * statements need, and SYSTEM, external (C/Java) code, DBA routines and WITH LISTING IN (a file written on the
 * server) are admin.
 */
function classifyRoutine(tokens: readonly ReadToken[], i: number, needs: Needs): void {
  needs.add("ddl", "CREATE PROCEDURE / FUNCTION changes the schema");
  const headerEnd = routineHeaderEnd(tokens, i);
  if (tokens.slice(i, headerEnd).some((t) => keyword(t) === "DBA")) {
    needs.add("admin", "a DBA routine runs with DBA privileges for every caller");
  }
  for (let j = headerEnd; j < tokens.length; j++) {
    const word = keyword(tokens[j]);
    if (word === "CREATE" && routineHeaderEnd(tokens, j) >= 0) {
      // SPL cannot create a routine, so a second header means the split took another routine's END for this one's.
      throw ambiguous(
        "ROUTINE_BOUNDARY",
        "a routine body holds another CREATE PROCEDURE / FUNCTION",
        tokens[j]?.start ?? 0,
      );
    }
    const admin = BODY_ADMIN_WORDS.get(word);
    if (admin) needs.add("admin", admin);
    else if (word === "EXTERNAL" && keyword(tokens[j + 1]) === "NAME") {
      needs.add("admin", "an external routine loads C or Java code into the database server");
    } else if (word === "LISTING") {
      needs.add("admin", "WITH LISTING IN writes a file on the database server");
    } else if (word === "SET" && ["EXPLAIN", "DEBUG", "PLOAD"].includes(keyword(tokens[j + 1]))) {
      needs.add("admin", "an SPL routine with SET EXPLAIN / DEBUG FILE / PLOAD FILE writes files on the server");
    } else if (word === "UPDATE" && keyword(tokens[j + 1]) === "STATISTICS") {
      needs.add("admin", "an SPL routine with UPDATE STATISTICS rebuilds optimizer statistics");
    } else if (WRITE_VERBS.has(word)) needs.add("write", `the routine body has ${word}`);
    else if (DDL_VERBS.has(word)) needs.add("ddl", `the routine body has ${word}`);
    else if (word === "EXECUTE" || word === "CALL") needs.add("procedure", `the routine body has ${word}`);
    else if (word === "INTO" && keyword(tokens[j + 1]) === "EXTERNAL") {
      needs.add("admin", "SELECT ... INTO EXTERNAL writes data files on the database server");
    } else if (word === "INTO" && ["TEMP", "SCRATCH", "STANDARD", "RAW"].includes(keyword(tokens[j + 1]))) {
      needs.add("write", "SELECT ... INTO creates a table");
    }
  }
}

/** [Syntax: SET statements]: most change server-side behaviour or write files, so only a few are not admin. */
function classifySet(tokens: readonly ReadToken[], i: number, needs: Needs): void {
  const second = keyword(tokens[i + 1]);
  const third = keyword(tokens[i + 2]);
  if (second === "ISOLATION" || second === "TRANSACTION" || second === "CONSTRAINTS") {
    needs.add("transaction", `SET ${second} controls the transaction`);
  } else if (second === "ROLE" || second === "CONNECTION" || (second === "SESSION" && third === "AUTHORIZATION")) {
    needs.add("session", `SET ${second} changes who or where the connection is`);
  } else if (second === "LOCK" && third === "MODE") {
    needs.add("session", "SET LOCK MODE changes how the connection waits for locks");
  } else if (second === "EXPLAIN") {
    // [Syntax: SET EXPLAIN]: writes the plan to a file on the server host (FILE TO names its path).
    needs.add("admin", "SET EXPLAIN writes a file on the database server");
  } else {
    needs.add("admin", "SET changes server-side behaviour of the connection");
  }
}

/** `INSERT INTO task (a, b)` and `CREATE TABLE admin (...)` name a table followed by its column list. */
function namesTable(tokens: readonly ReadToken[], j: number): boolean {
  const previous = keyword(tokens[j - 1]);
  if (previous === "INTO") return true;
  return previous === "TABLE" && TABLE_CREATORS.has(keyword(tokens[j - 2]));
}
const TABLE_CREATORS = new Set(["CREATE", "ALTER", "TEMP", "RAW", "STANDARD", "SCRATCH", "EXTERNAL"]);

/** Any statement that calls a server routine (server-routines.ts) or names a server database is admin. */
function scanServerObjects(tokens: readonly ReadToken[], needs: Needs): void {
  for (let j = 0; j < tokens.length; j++) {
    const token = tokens[j] as ReadToken;
    if (token.name === "") continue;
    const lower = token.name.toLowerCase();
    const next = tokens[j + 1];
    const routine = ADMIN_ROUTINES.get(lower);
    if (routine && isOperator(next, "(") && !namesTable(tokens, j)) needs.add("admin", routine);
    const database = ADMIN_DATABASES.get(lower);
    if (database && (isOperator(next, ":") || isOperator(next, "@"))) needs.add("admin", database);
  }
}
