// The second wall for SQLite: SQLite's own authorizer (sqlite3_set_authorizer, node:sqlite
// DatabaseSync.setAuthorizer) is asked about every action while a statement compiles, from SQLite's real
// parse, and refuses the actions the caller's grant classes do not cover, whatever the guard concluded:
//   schema changes (CREATE/DROP/ALTER)                             -> ddl
//   INSERT/UPDATE/DELETE                                           -> write
//   ATTACH/DETACH (open or create any file), ANALYZE, REINDEX,
//   PRAGMA that sets a value or is not a known query              -> admin
//   load_extension(), fts3_tokenizer(), readfile()/writefile()    -> never
//   reads (SELECT, column reads, functions), transaction control   -> allowed: the guard already needs a grant
//     on the database for any statement, and every write reads its table too.
// Statements SQLite compiles without asking anything (VACUUM, VACUUM INTO 'file', REINDEX) need admin.
// Source: https://www.sqlite.org/c3ref/set_authorizer.html and https://www.sqlite.org/c3ref/c_alter_table.html
import { constants, type DatabaseSync, type StatementSync } from "node:sqlite";
import type { StatementClass } from "../../../core/parsed-statement.js";
import { DbError } from "../../errors.js";

export type AuthorizerCallback = (
  actionCode: number,
  arg1: string | null,
  arg2: string | null,
  dbName: string | null,
  triggerOrView: string | null,
) => number;

/**
 * What an action needs: a grant class; "schema" for SQLite's own writes to sqlite_schema, which always come with
 * the action that decides (CREATE/DROP/ALTER: ddl; ANALYZE creating sqlite_stat1: admin), so either class allows
 * them; "never" for what no caller may do through the proxy.
 */
export type ActionNeed = StatementClass | "schema" | "never";

const SCHEMA_TABLES = new Set(["sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"]);
const NEVER_FUNCTIONS = new Set(["load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"]);

/** PRAGMAs that only report, whatever their argument (a table or index name, a row limit). */
const QUERY_PRAGMAS = new Set([
  "table_info",
  "table_xinfo",
  "table_list",
  "index_info",
  "index_xinfo",
  "index_list",
  "foreign_key_list",
  "foreign_key_check",
  "collation_list",
  "database_list",
  "function_list",
  "module_list",
  "pragma_list",
  "compile_options",
  "integrity_check",
  "quick_check",
]);

/** PRAGMAs that report a setting when given no value (and change it when given one). */
const SETTING_PRAGMAS = new Set([
  "application_id",
  "auto_vacuum",
  "automatic_index",
  "busy_timeout",
  "cache_size",
  "cache_spill",
  "data_version",
  "defer_foreign_keys",
  "encoding",
  "foreign_keys",
  "freelist_count",
  "journal_mode",
  "journal_size_limit",
  "legacy_alter_table",
  "locking_mode",
  "max_page_count",
  "mmap_size",
  "page_count",
  "page_size",
  "query_only",
  "recursive_triggers",
  "schema_version",
  "secure_delete",
  "synchronous",
  "temp_store",
  "trusted_schema",
  "user_version",
  "wal_autocheckpoint",
]);

const ACTION_NAMES = new Map<number, string>(
  Object.entries(constants)
    .filter(([name]) => name.startsWith("SQLITE_") && !name.startsWith("SQLITE_CHANGESET"))
    .map(([name, code]) => [code as number, name.slice("SQLITE_".length)]),
);

function pragmaNeed(name: string, value: string | null): ActionNeed {
  const pragma = name.toLowerCase();
  if (QUERY_PRAGMAS.has(pragma)) return "read";
  if (SETTING_PRAGMAS.has(pragma) && value === null) return "read";
  return "admin";
}

/** The class one authorizer action needs (pure: SQLite's action code and its two arguments). */
export function actionNeed(actionCode: number, arg1: string | null, arg2: string | null): ActionNeed {
  switch (actionCode) {
    case constants.SQLITE_SELECT:
    case constants.SQLITE_READ:
    case constants.SQLITE_RECURSIVE:
    case constants.SQLITE_TRANSACTION:
    case constants.SQLITE_SAVEPOINT:
      return "read";
    case constants.SQLITE_FUNCTION:
      return NEVER_FUNCTIONS.has(String(arg2).toLowerCase()) ? "never" : "read";
    case constants.SQLITE_INSERT:
    case constants.SQLITE_UPDATE:
    case constants.SQLITE_DELETE: {
      const table = String(arg1).toLowerCase();
      if (SCHEMA_TABLES.has(table)) return "schema";
      return table.startsWith("sqlite_stat") ? "admin" : "write";
    }
    case constants.SQLITE_CREATE_TABLE:
      return String(arg1).toLowerCase().startsWith("sqlite_stat") ? "admin" : "ddl"; // ANALYZE makes sqlite_stat1
    case constants.SQLITE_CREATE_INDEX:
    case constants.SQLITE_CREATE_TEMP_INDEX:
    case constants.SQLITE_CREATE_TEMP_TABLE:
    case constants.SQLITE_CREATE_TEMP_TRIGGER:
    case constants.SQLITE_CREATE_TEMP_VIEW:
    case constants.SQLITE_CREATE_TRIGGER:
    case constants.SQLITE_CREATE_VIEW:
    case constants.SQLITE_CREATE_VTABLE:
    case constants.SQLITE_DROP_INDEX:
    case constants.SQLITE_DROP_TABLE:
    case constants.SQLITE_DROP_TEMP_INDEX:
    case constants.SQLITE_DROP_TEMP_TABLE:
    case constants.SQLITE_DROP_TEMP_TRIGGER:
    case constants.SQLITE_DROP_TEMP_VIEW:
    case constants.SQLITE_DROP_TRIGGER:
    case constants.SQLITE_DROP_VIEW:
    case constants.SQLITE_DROP_VTABLE:
    case constants.SQLITE_ALTER_TABLE:
      return "ddl";
    case constants.SQLITE_PRAGMA:
      return pragmaNeed(String(arg1), arg2);
    default:
      return "admin"; // ATTACH, DETACH, ANALYZE, REINDEX, COPY and codes newer than this list
  }
}

/** Whether a caller with these grant classes may take an action that needs `need`. */
export function allows(permits: ReadonlySet<StatementClass>, need: ActionNeed): boolean {
  if (need === "read") return true;
  if (need === "never") return false;
  if (need === "schema") return permits.has("ddl") || permits.has("admin");
  return permits.has(need);
}

/**
 * The authorizer callback for one statement's compile, for a caller who may run `permits`; `onDeny` learns what was
 * refused and why.
 */
export function createAuthorizer(
  permits: ReadonlySet<StatementClass>,
  onDeny: (action: string, need: ActionNeed) => void = () => {},
): AuthorizerCallback {
  // DROP TABLE t is followed by a DELETE of t's rows: part of the drop (ddl), not a write of its own.
  const dropped = new Set<string>();
  return (actionCode, arg1, arg2) => {
    if (actionCode === constants.SQLITE_DROP_TABLE || actionCode === constants.SQLITE_DROP_TEMP_TABLE) {
      dropped.add(String(arg1).toLowerCase());
    }
    const partOfDrop = actionCode === constants.SQLITE_DELETE && dropped.has(String(arg1).toLowerCase());
    const need = partOfDrop ? "ddl" : actionNeed(actionCode, arg1, arg2);
    if (allows(permits, need)) return constants.SQLITE_OK;
    onDeny(ACTION_NAMES.get(actionCode) ?? String(actionCode), need);
    return constants.SQLITE_DENY;
  };
}

/**
 * Compiles a client statement under the authorizer. A refusal is DbError("permission_denied") naming SQLite's
 * action and the class it needs (never the statement's text); a statement SQLite compiles without asking
 * anything needs admin. The authorizer is removed afterwards, so the driver's own statements run unchecked.
 */
export function prepareAuthorized(
  db: DatabaseSync,
  sql: string,
  permits: ReadonlySet<StatementClass>,
  /** Sees every action too (the SQLite worker learns from it whether the statement writes). */
  observe?: (actionCode: number) => void,
): StatementSync {
  let asked = 0;
  let denied: string | undefined;
  const authorize = createAuthorizer(permits, (action, need) => {
    denied ??= need === "never" ? `${action} is never allowed` : `${action} needs the ${need} class`;
  });
  db.setAuthorizer((...args) => {
    asked++;
    observe?.(args[0]);
    return authorize(...args);
  });
  let statement: StatementSync;
  try {
    statement = db.prepare(sql);
  } catch (error) {
    if (denied) throw refused(denied, error);
    throw error;
  } finally {
    db.setAuthorizer(null);
  }
  if (asked === 0 && !permits.has("admin")) {
    throw refused("the statement (VACUUM, REINDEX) names no action SQLite can check: it needs the admin class");
  }
  return statement;
}

function refused(why: string, cause?: unknown): DbError {
  return new DbError("permission_denied", `SQLite's authorizer refused the statement: ${why}`, {
    nativeCode: 23, // SQLITE_AUTH
    cause,
  });
}
