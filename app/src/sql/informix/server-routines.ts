// Informix routines and databases that act on the database server itself rather than on table data. A statement
// that names one of them anywhere (SELECT list, EXECUTE FUNCTION, trigger action, routine body) is class `admin`,
// whatever its verb. Names are matched case-insensitively and with any owner or database qualifier, so
// `sysadmin:informix.task(...)`, `"TASK"(...)` (a delimited identifier) and `admin (...)` all count. Keep the
// list here, in one place; docs/security/policy.md repeats it.

/** Routine name (lower case) -> why it is admin. */
export const ADMIN_ROUTINES: ReadonlyMap<string, string> = new Map([
  // [Administrator's Reference: SQL Administration API Functions] task() and admin() run onmode, onspaces,
  // onparams, ... commands: storage, configuration, shutdown, user mapping.
  ["task", "the SQL administration API (sysadmin:task) runs server administration commands"],
  ["admin", "the SQL administration API (sysadmin:admin) runs server administration commands"],
  // [Syntax: Smart-Large-Object Functions] read or write files named by the caller, on the server host.
  ["filetoblob", "FILETOBLOB reads a file on the database server or client host"],
  ["filetoclob", "FILETOCLOB reads a file on the database server or client host"],
  ["lotofile", "LOTOFILE writes a file on the database server or client host"],
  // [DataBlade API / User-defined routines] load or replace C shared libraries inside the server process.
  ["ifx_load_module", "ifx_load_module loads a shared library into the database server"],
  ["ifx_replace_module", "ifx_replace_module replaces a shared library in the database server"],
  ["ifx_unload_module", "ifx_unload_module unloads a shared library from the database server"],
  // [J/Foundation: sqlj routines] install Java code that runs inside the server.
  ["install_jar", "sqlj.install_jar installs Java code that runs in the database server"],
  ["replace_jar", "sqlj.replace_jar replaces Java code that runs in the database server"],
  ["remove_jar", "sqlj.remove_jar removes Java code from the database server"],
  ["alter_java_path", "sqlj.alter_java_path changes where the server loads Java classes from"],
  // [DataBlade Module Installation] BladeManager registration runs the module's scripts.
  ["sysbldprepare", "sysbldprepare registers DataBlade modules, running their scripts"],
]);

/**
 * Databases that belong to the server: writes to sysadmin:ph_task schedule commands the server runs; sysutils
 * holds backup state; sysuser maps users; syscdr and sysha hold replication state. Naming one (db:table,
 * db@server:table) makes a statement admin.
 */
export const ADMIN_DATABASES: ReadonlyMap<string, string> = new Map([
  ["sysadmin", "the sysadmin database holds the scheduler (ph_task) and the SQL administration API"],
  ["sysutils", "the sysutils database holds the backup and restore catalogue"],
  ["sysuser", "the sysuser database maps external users to server accounts"],
  ["syscdr", "the syscdr database holds Enterprise Replication state"],
  ["sysha", "the sysha database holds high-availability state"],
]);
