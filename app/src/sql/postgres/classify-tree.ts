// Classifies one PostgreSQL statement from its parse tree (libpg-query's JSON form of the server's raw
// parse tree). The WHOLE tree is walked, not just its top: a DELETE in a CTE, a SELECT ... FOR UPDATE in a
// sub-query, a nextval() in a VALUES list, a COPY inside EXPLAIN ANALYZE all count. Each finding is an
// effect (class + cause); the statement needs every class found.
//
// Rules (docs/security/policy.md lists them with their sources):
// - Node kinds are looked up in STATEMENTS below; a statement kind missing from it is admin (fail closed).
// - EXPLAIN without ANALYZE only plans: the explained statement's kind does not count, its function names do.
// - COPY ... PROGRAM and COPY to/from a server file are admin; COPY ... FROM STDIN is a write; COPY ... TO
//   STDOUT is a read if the rest of the tree is.
// - SELECT ... FOR UPDATE/SHARE (row locks) is a write; SELECT ... INTO creates a table (ddl).
// - SET/RESET: transaction characteristics are transaction, ROLE and SESSION AUTHORIZATION are session,
//   settings that change how the server reads SQL text are session and admin, every other setting admin.
// - DO and EXECUTE (of a statement prepared in SQL) run code the guard cannot see: dynamicSql.
// - Every name in the tree is checked against server-functions.ts (function calls, and the attribute
//   notation `x.f` that PostgreSQL also reads as a call), every relation against its list of relations that
//   hold the server's secrets (pg_authid, pg_shadow, pg_stat_activity, ...).
import type { StatementClass, StatementEffect } from "../../core/parsed-statement.js";
import { serverFunction, serverRelation } from "./server-functions.js";

export interface TreeClassification {
  firstKeyword: string;
  effects: StatementEffect[];
  returnsRows: boolean;
  selectIntoTemp: boolean;
  dynamicSql: boolean;
  /** Every parameter reference in the tree (for the placeholder check). */
  parameters: { number: number; location: number }[];
  /** An operator whose name holds `?`: a `?` the placeholder rewrite did not turn into a parameter. */
  questionMarkOperator: boolean;
}

type Kind = [classes: readonly StatementClass[], keyword: string];

const READ: readonly StatementClass[] = ["read"];
const WRITE: readonly StatementClass[] = ["write"];
const DDL: readonly StatementClass[] = ["ddl"];
/** Objects of the whole server or cluster (roles, databases, tablespaces, extensions, replication). */
const SERVER_DDL: readonly StatementClass[] = ["ddl", "admin"];
const ADMIN: readonly StatementClass[] = ["admin"];
const SESSION: readonly StatementClass[] = ["session"];
const TRANSACTION: readonly StatementClass[] = ["transaction"];
const PROCEDURE: readonly StatementClass[] = ["procedure"];

/** Every statement node kind of PostgreSQL 18's grammar (nodes/parsenodes.h). */
const STATEMENTS: Readonly<Record<string, Kind>> = {
  SelectStmt: [READ, "SELECT"],
  SetOperationStmt: [READ, "SELECT"],
  VariableShowStmt: [READ, "SHOW"],
  FetchStmt: [READ, "FETCH"],
  ReturnStmt: [READ, "RETURN"],
  ExplainStmt: [READ, "EXPLAIN"],
  CopyStmt: [READ, "COPY"], // refined in copyEffects
  InsertStmt: [WRITE, "INSERT"],
  UpdateStmt: [WRITE, "UPDATE"],
  DeleteStmt: [WRITE, "DELETE"],
  MergeStmt: [WRITE, "MERGE"],
  NotifyStmt: [WRITE, "NOTIFY"],
  CallStmt: [PROCEDURE, "CALL"],
  DoStmt: [PROCEDURE, "DO"],
  ExecuteStmt: [PROCEDURE, "EXECUTE"],
  TransactionStmt: [TRANSACTION, "BEGIN"], // refined in transactionEffects
  ConstraintsSetStmt: [TRANSACTION, "SET CONSTRAINTS"],
  VariableSetStmt: [ADMIN, "SET"], // refined in setEffects
  DeclareCursorStmt: [SESSION, "DECLARE"],
  ClosePortalStmt: [SESSION, "CLOSE"],
  PrepareStmt: [SESSION, "PREPARE"],
  DeallocateStmt: [SESSION, "DEALLOCATE"],
  ListenStmt: [SESSION, "LISTEN"],
  UnlistenStmt: [SESSION, "UNLISTEN"],
  DiscardStmt: [SESSION, "DISCARD"],
  LockStmt: [ADMIN, "LOCK"],
  VacuumStmt: [ADMIN, "VACUUM"],
  ClusterStmt: [ADMIN, "CLUSTER"],
  ReindexStmt: [ADMIN, "REINDEX"],
  CheckPointStmt: [ADMIN, "CHECKPOINT"],
  LoadStmt: [ADMIN, "LOAD"],
  AlterSystemStmt: [ADMIN, "ALTER SYSTEM"],
  PLAssignStmt: [ADMIN, "PL/pgSQL assignment"],
  CreateStmt: [DDL, "CREATE TABLE"],
  CreateTableAsStmt: [DDL, "CREATE TABLE AS"],
  CreateForeignTableStmt: [DDL, "CREATE FOREIGN TABLE"],
  ViewStmt: [DDL, "CREATE VIEW"],
  IndexStmt: [DDL, "CREATE INDEX"],
  CreateSchemaStmt: [DDL, "CREATE SCHEMA"],
  CreateSeqStmt: [DDL, "CREATE SEQUENCE"],
  AlterSeqStmt: [DDL, "ALTER SEQUENCE"],
  CreateFunctionStmt: [DDL, "CREATE FUNCTION"],
  AlterFunctionStmt: [DDL, "ALTER FUNCTION"],
  CreateTrigStmt: [DDL, "CREATE TRIGGER"],
  RuleStmt: [DDL, "CREATE RULE"],
  CreatePolicyStmt: [DDL, "CREATE POLICY"],
  AlterPolicyStmt: [DDL, "ALTER POLICY"],
  CreateDomainStmt: [DDL, "CREATE DOMAIN"],
  AlterDomainStmt: [DDL, "ALTER DOMAIN"],
  CompositeTypeStmt: [DDL, "CREATE TYPE"],
  CreateEnumStmt: [DDL, "CREATE TYPE"],
  CreateRangeStmt: [DDL, "CREATE TYPE"],
  AlterEnumStmt: [DDL, "ALTER TYPE"],
  AlterTypeStmt: [DDL, "ALTER TYPE"],
  DefineStmt: [DDL, "CREATE"],
  CreateOpClassStmt: [DDL, "CREATE OPERATOR CLASS"],
  CreateOpFamilyStmt: [DDL, "CREATE OPERATOR FAMILY"],
  AlterOpFamilyStmt: [DDL, "ALTER OPERATOR FAMILY"],
  AlterOperatorStmt: [DDL, "ALTER OPERATOR"],
  CreateCastStmt: [DDL, "CREATE CAST"],
  CreateConversionStmt: [DDL, "CREATE CONVERSION"],
  CreateTransformStmt: [DDL, "CREATE TRANSFORM"],
  CreateStatsStmt: [DDL, "CREATE STATISTICS"],
  AlterStatsStmt: [DDL, "ALTER STATISTICS"],
  AlterCollationStmt: [DDL, "ALTER COLLATION"],
  AlterTSDictionaryStmt: [DDL, "ALTER TEXT SEARCH DICTIONARY"],
  AlterTSConfigurationStmt: [DDL, "ALTER TEXT SEARCH CONFIGURATION"],
  AlterTableStmt: [DDL, "ALTER TABLE"],
  ReplicaIdentityStmt: [DDL, "ALTER TABLE"],
  AlterDefaultPrivilegesStmt: [DDL, "ALTER DEFAULT PRIVILEGES"],
  AlterObjectDependsStmt: [DDL, "ALTER"],
  AlterObjectSchemaStmt: [DDL, "ALTER"],
  AlterOwnerStmt: [DDL, "ALTER OWNER"],
  RenameStmt: [DDL, "ALTER RENAME"],
  DropStmt: [DDL, "DROP"],
  TruncateStmt: [DDL, "TRUNCATE"],
  CommentStmt: [DDL, "COMMENT"],
  SecLabelStmt: [DDL, "SECURITY LABEL"],
  GrantStmt: [DDL, "GRANT"],
  RefreshMatViewStmt: [["ddl", "write"], "REFRESH MATERIALIZED VIEW"],
  ImportForeignSchemaStmt: [DDL, "IMPORT FOREIGN SCHEMA"],
  GrantRoleStmt: [SERVER_DDL, "GRANT ROLE"],
  CreateRoleStmt: [SERVER_DDL, "CREATE ROLE"],
  AlterRoleStmt: [SERVER_DDL, "ALTER ROLE"],
  AlterRoleSetStmt: [SERVER_DDL, "ALTER ROLE SET"],
  DropRoleStmt: [SERVER_DDL, "DROP ROLE"],
  DropOwnedStmt: [SERVER_DDL, "DROP OWNED"],
  ReassignOwnedStmt: [SERVER_DDL, "REASSIGN OWNED"],
  CreatedbStmt: [SERVER_DDL, "CREATE DATABASE"],
  AlterDatabaseStmt: [SERVER_DDL, "ALTER DATABASE"],
  AlterDatabaseRefreshCollStmt: [SERVER_DDL, "ALTER DATABASE"],
  AlterDatabaseSetStmt: [SERVER_DDL, "ALTER DATABASE SET"],
  DropdbStmt: [SERVER_DDL, "DROP DATABASE"],
  CreateTableSpaceStmt: [SERVER_DDL, "CREATE TABLESPACE"],
  DropTableSpaceStmt: [SERVER_DDL, "DROP TABLESPACE"],
  AlterTableSpaceOptionsStmt: [SERVER_DDL, "ALTER TABLESPACE"],
  AlterTableMoveAllStmt: [SERVER_DDL, "ALTER TABLE ALL IN TABLESPACE"],
  CreateExtensionStmt: [SERVER_DDL, "CREATE EXTENSION"],
  AlterExtensionStmt: [SERVER_DDL, "ALTER EXTENSION"],
  AlterExtensionContentsStmt: [SERVER_DDL, "ALTER EXTENSION"],
  CreateFdwStmt: [SERVER_DDL, "CREATE FOREIGN DATA WRAPPER"],
  AlterFdwStmt: [SERVER_DDL, "ALTER FOREIGN DATA WRAPPER"],
  CreateForeignServerStmt: [SERVER_DDL, "CREATE SERVER"],
  AlterForeignServerStmt: [SERVER_DDL, "ALTER SERVER"],
  CreateUserMappingStmt: [SERVER_DDL, "CREATE USER MAPPING"],
  AlterUserMappingStmt: [SERVER_DDL, "ALTER USER MAPPING"],
  DropUserMappingStmt: [SERVER_DDL, "DROP USER MAPPING"],
  CreateAmStmt: [SERVER_DDL, "CREATE ACCESS METHOD"],
  CreateEventTrigStmt: [SERVER_DDL, "CREATE EVENT TRIGGER"],
  AlterEventTrigStmt: [SERVER_DDL, "ALTER EVENT TRIGGER"],
  CreatePLangStmt: [SERVER_DDL, "CREATE LANGUAGE"],
  CreatePublicationStmt: [SERVER_DDL, "CREATE PUBLICATION"],
  AlterPublicationStmt: [SERVER_DDL, "ALTER PUBLICATION"],
  CreateSubscriptionStmt: [SERVER_DDL, "CREATE SUBSCRIPTION"],
  AlterSubscriptionStmt: [SERVER_DDL, "ALTER SUBSCRIPTION"],
  DropSubscriptionStmt: [SERVER_DDL, "DROP SUBSCRIPTION"],
};

/** Settings that change how the server reads SQL text: the guard's parser assumes their defaults. */
const LEXICAL_SETTINGS = new Set(["standard_conforming_strings", "backslash_quote", "client_encoding"]);
const TRANSACTION_SETTINGS = new Set([
  "transaction",
  "session characteristics",
  "transaction snapshot",
  "transaction_isolation",
  "transaction_read_only",
  "transaction_deferrable",
]);
const SESSION_SETTINGS = new Set(["role", "session_authorization"]);
const TWO_PHASE = new Set(["TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED", "TRANS_STMT_ROLLBACK_PREPARED"]);
const TRANSACTION_KEYWORDS: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: "BEGIN",
  TRANS_STMT_START: "START TRANSACTION",
  TRANS_STMT_COMMIT: "COMMIT",
  TRANS_STMT_ROLLBACK: "ROLLBACK",
  TRANS_STMT_SAVEPOINT: "SAVEPOINT",
  TRANS_STMT_RELEASE: "RELEASE",
  TRANS_STMT_ROLLBACK_TO: "ROLLBACK TO",
  TRANS_STMT_PREPARE: "PREPARE TRANSACTION",
  TRANS_STMT_COMMIT_PREPARED: "COMMIT PREPARED",
  TRANS_STMT_ROLLBACK_PREPARED: "ROLLBACK PREPARED",
};

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A node kind key ("SelectStmt", "A_Const", "String"); field names start lower-case. */
function isNodeKind(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 65 && first <= 90;
}

/** EXPLAIN runs the statement unless ANALYZE is absent or explicitly false (defGetBoolean's spellings). */
function explainAnalyzes(explain: JsonObject): boolean {
  const options = Array.isArray(explain.options) ? explain.options : [];
  for (const option of options) {
    const def = isObject(option) && isObject(option.DefElem) ? option.DefElem : undefined;
    if (!def || String(def.defname).toLowerCase() !== "analyze") continue;
    if (!isObject(def.arg)) return true;
    const arg = def.arg;
    if (isObject(arg.Boolean)) return arg.Boolean.boolval === true;
    if (isObject(arg.Integer)) return (arg.Integer.ival ?? 0) !== 0;
    if (isObject(arg.String)) return !["false", "off", "no", "0"].includes(String(arg.String.sval).toLowerCase());
    return true; // an argument we cannot read: assume it runs
  }
  return false;
}

/** Accumulates what the walk finds in one statement. */
class Findings {
  readonly effects: StatementEffect[] = [];
  private readonly seen = new Set<string>();
  dynamicSql = false;
  selectIntoTemp = false;
  /** Inside the top statement: a nested read (VALUES of an INSERT, the query of a COPY) adds nothing. */
  nested = false;

  add(classes: readonly StatementClass[], cause: string): void {
    for (const statementClass of classes) {
      if (statementClass === "read" && this.nested) continue;
      const key = `${statementClass}\u0000${cause}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.effects.push({ statementClass, cause });
    }
  }
}

/**
 * libpg-query's JSON leaves out empty strings, so `COPY t FROM ''` (a server file, however unlikely) and
 * `COPY t FROM STDIN` both arrive without a filename: only a STDIN/STDOUT keyword in the statement's own tokens
 * makes it the client's stream.
 */
function copyEffects(copy: JsonObject, found: Findings, keywords: () => ReadonlySet<string>): void {
  const stdio = keywords().has(copy.is_from === true ? "stdin" : "stdout");
  if (copy.is_program === true) {
    found.add(ADMIN, "COPY ... PROGRAM runs a shell command on the database server");
  } else if (typeof copy.filename === "string" || !stdio) {
    found.add(ADMIN, "COPY to or from a file of the database server");
  } else if (copy.is_from === true) {
    found.add(WRITE, COPY_FROM_CLIENT);
  } else {
    found.add(READ, COPY_TO_CLIENT);
  }
}

const COPY_FROM_CLIENT = "COPY ... FROM STDIN";
const COPY_TO_CLIENT = "COPY ... TO STDOUT";

/**
 * Whether the statement streams COPY data to or from the client, which the proxy's extended-protocol driver
 * cannot carry (node-postgres would wait for ever): the driver refuses it as unsupported.
 */
export function copiesWithClient(statement: { effects: readonly StatementEffect[] }): boolean {
  return statement.effects.some((e) => e.cause === COPY_FROM_CLIENT || e.cause === COPY_TO_CLIENT);
}

function setEffects(set: JsonObject, found: Findings): void {
  const kind = String(set.kind);
  const name = typeof set.name === "string" ? set.name.toLowerCase() : "";
  const verb = kind.startsWith("VAR_RESET") ? "RESET" : "SET";
  if (kind === "VAR_RESET_ALL") {
    found.add(["session", "admin"], "RESET ALL resets every setting, the role included");
  } else if (kind === "VAR_SET_MULTI" || TRANSACTION_SETTINGS.has(name)) {
    found.add(TRANSACTION, `${verb} TRANSACTION`);
  } else if (SESSION_SETTINGS.has(name)) {
    found.add(SESSION, `${verb} ${name === "role" ? "ROLE" : "SESSION AUTHORIZATION"}`);
  } else if (LEXICAL_SETTINGS.has(name)) {
    found.add(["session", "admin"], `${verb} of a setting that changes how the server reads SQL text`);
  } else {
    found.add(ADMIN, `${verb} of a configuration setting`);
  }
}

function transactionEffects(transaction: JsonObject, found: Findings): string {
  const kind = String(transaction.kind);
  const keyword = TRANSACTION_KEYWORDS[kind] ?? "BEGIN";
  if (TWO_PHASE.has(kind)) found.add(["transaction", "admin"], `${keyword} (two-phase commit)`);
  else found.add(TRANSACTION, keyword);
  return keyword;
}

/** DML on pg_settings is SET in disguise (the view's rules call set_config). */
function targetsSettings(statement: JsonObject): boolean {
  const relation = statement.relation;
  return isObject(relation) && String(relation.relname).toLowerCase() === "pg_settings";
}

/** Effects of one statement node; returns its keyword. */
function statementEffects(
  kind: string,
  body: JsonObject,
  found: Findings,
  keywords: () => ReadonlySet<string>,
): string {
  const known = STATEMENTS[kind];
  if (!known) {
    found.add(ADMIN, "a statement kind the guard does not know");
    return kind;
  }
  const [classes, keyword] = known;
  switch (kind) {
    case "CopyStmt":
      copyEffects(body, found, keywords);
      return keyword;
    case "VariableSetStmt":
      setEffects(body, found);
      return String(body.kind).startsWith("VAR_RESET") ? "RESET" : "SET";
    case "TransactionStmt":
      return transactionEffects(body, found);
    case "DoStmt":
    case "ExecuteStmt":
      found.dynamicSql = true;
      found.add(classes, kind === "DoStmt" ? "anonymous code (DO)" : "EXECUTE of a statement prepared in SQL");
      return keyword;
    case "InsertStmt":
    case "UpdateStmt":
    case "DeleteStmt":
    case "MergeStmt":
      if (targetsSettings(body)) found.add(ADMIN, `${keyword} of pg_settings changes configuration settings`);
      found.add(classes, keyword);
      return keyword;
    default:
      found.add(classes, keyword);
      return keyword;
  }
}

function nameEffects(name: unknown, found: Findings): void {
  if (typeof name !== "string") return;
  const listed = serverFunction(name);
  if (listed) found.add([listed.statementClass], `${listed.name}() ${listed.does}`);
}

/**
 * The classification of one statement node (`{ "SelectStmt": {...} }`, a RawStmt's `stmt`). `keywords` are the
 * lower-cased keyword tokens of the statement's text (the scanner's). Iterative, so a deeply nested tree cannot
 * overflow the stack.
 */
export function classifyTree(
  statement: unknown,
  keywords: () => ReadonlySet<string> = () => new Set(),
): TreeClassification {
  const found = new Findings();
  const parameters: { number: number; location: number }[] = [];
  let questionMarkOperator = false;
  let firstKeyword = "";
  let returnsRows = false;
  if (isObject(statement)) {
    const [kind, body] = Object.entries(statement)[0] ?? [];
    if (kind && isObject(body)) returnsRows = topReturnsRows(kind, body);
  }

  // [value, planOnly]: under EXPLAIN without ANALYZE statements are planned, not run.
  const stack: [unknown, boolean][] = [[statement, false]];
  let top = true;
  while (stack.length > 0) {
    const [value, planOnly] = stack.pop() as [unknown, boolean];
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, planOnly]);
      continue;
    }
    if (!isObject(value)) continue;
    for (const [key, child] of Object.entries(value)) {
      if (!isNodeKind(key)) {
        if (key === "relname" && typeof child === "string") {
          const relation = serverRelation(child);
          if (relation) found.add(ADMIN, `${relation} holds what the server keeps from its users`);
        }
        if (!planOnly && key === "lockingClause" && Array.isArray(child) && child.length > 0) {
          found.add(WRITE, "SELECT ... FOR UPDATE/SHARE locks rows");
        }
        if (!planOnly && key === "intoClause" && isObject(child)) {
          found.selectIntoTemp = true;
          found.add(DDL, "SELECT ... INTO creates a table");
        }
        stack.push([child, planOnly]);
        continue;
      }
      if (key === "String") {
        if (isObject(child)) nameEffects(child.sval, found);
        continue;
      }
      if (!isObject(child)) continue;
      if (key === "ParamRef") {
        parameters.push({ number: Number(child.number ?? 0), location: Number(child.location ?? -1) });
        continue;
      }
      if (key === "A_Expr" && operatorHoldsQuestionMark(child.name)) questionMarkOperator = true;
      if (key === "SubLink" && operatorHoldsQuestionMark(child.operName)) questionMarkOperator = true;
      if (key.endsWith("Stmt")) {
        found.nested = !top;
        const keyword = planOnly ? "" : statementEffects(key, child, found, keywords);
        if (top) firstKeyword = keyword;
        top = false;
        if (key === "ExplainStmt") {
          const runs = !planOnly && explainAnalyzes(child);
          stack.push([child.query, !runs]);
          continue;
        }
      }
      stack.push([child, planOnly]);
    }
  }
  if (found.effects.length === 0) found.add(ADMIN, "a statement the guard could not classify");
  return {
    firstKeyword,
    effects: found.effects,
    returnsRows,
    selectIntoTemp: found.selectIntoTemp,
    dynamicSql: found.dynamicSql,
    parameters,
    questionMarkOperator,
  };
}

function operatorHoldsQuestionMark(name: unknown): boolean {
  if (!Array.isArray(name)) return false;
  return name.some((part) => isObject(part) && isObject(part.String) && String(part.String.sval).includes("?"));
}

function topReturnsRows(kind: string, body: JsonObject): boolean {
  switch (kind) {
    case "SelectStmt":
      return body.intoClause === undefined;
    case "VariableShowStmt":
    case "ExplainStmt":
    case "FetchStmt":
    case "CallStmt":
    case "ExecuteStmt":
      return true;
    case "InsertStmt":
    case "UpdateStmt":
    case "DeleteStmt":
    case "MergeStmt":
      return body.returningClause !== undefined;
    default:
      return false;
  }
}
