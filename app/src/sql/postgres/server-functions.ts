// Functions that act on the server, by class: the one list the PostgreSQL classifier consults for every
// function name anywhere in the parse tree (SELECT list, WHERE, FROM, VALUES, DEFAULT, CALL arguments ...).
// A function not listed is a read: what a user-defined function does is the database's business (grant
// `procedure` deliberately, and see docs/security/policy.md on least privilege).
//
// Names are matched on their last part, case-insensitively, whatever the schema: `pg_read_file`,
// `PG_READ_FILE`, `"pg_catalog"."pg_read_file"` and `myschema.pg_read_file` are all admin. Matching the
// name regardless of schema only ever over-classifies; it is also how extension functions (dblink, installed in
// any schema) are found.
//
// Sources (PostgreSQL 18 documentation, https://www.postgresql.org/docs/18/):
//   functions-admin.html: Configuration Settings, Server Signaling, Backup Control, Recovery Control,
//     Snapshot Synchronization, Replication Management, Collation Management, Index Maintenance, Generic File
//     Access, Advisory Lock, Statistics Manipulation functions (tables 9.9x);
//   functions-sequence.html (nextval, setval); lo-funcs.html (server-side large object functions);
//   monitoring-stats.html#MONITORING-STATS-FUNCTIONS (pg_stat_reset*); sql-notify.html (pg_notify);
//   functions-info.html#FUNCTIONS-PG-SNAPSHOT (pg_current_xact_id, txid_current assign a transaction id);
//   functions-xml.html#FUNCTIONS-XML-MAPPING and textsearch-features.html (functions that run SQL text);
//   contrib: dblink.html, adminpack.html (PostgreSQL <= 16), pgstatstatements.html, pgbuffercache.html,
//     pgvisibility.html, postgres-fdw.html, pgprewarm.html.
// Completeness is checked against the server itself: app/test/sql/postgres-server-functions.test.ts lists
// every volatile function in pg_catalog of the test server and fails on one that is neither here nor in
// REVIEWED_AS_READ below.
import type { StatementClass } from "../../core/parsed-statement.js";

export interface ServerFunction {
  /** The canonical (lower-case) name, for refusal messages. */
  name: string;
  statementClass: StatementClass;
  /** What it does, for refusal messages and the docs. */
  does: string;
}

type Entry = [names: readonly string[], statementClass: StatementClass, does: string];

const EXACT: readonly Entry[] = [
  // Server files and programs.
  [
    ["pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_ls_dir"],
    "admin",
    "reads files or directories of the database server",
  ],
  [["lo_import", "lo_export"], "admin", "reads or writes a file of the database server"],
  [
    ["pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_logdir_ls"],
    "admin",
    "writes or lists files of the database server (adminpack)",
  ],
  // What the server keeps from its users: authentication rules, configuration files, other sessions' statements.
  [
    ["pg_hba_file_rules", "pg_ident_file_mappings", "pg_show_all_file_settings", "pg_stat_get_activity"],
    "admin",
    "exposes the server's authentication rules, configuration files or other sessions' statements",
  ],
  // Configuration and other sessions.
  [["set_config"], "admin", "changes a configuration setting (like SET)"],
  [
    [
      "pg_cancel_backend",
      "pg_terminate_backend",
      "pg_reload_conf",
      "pg_rotate_logfile",
      "pg_log_backend_memory_contexts",
    ],
    "admin",
    "signals server processes",
  ],
  // Backup, recovery, WAL and replication.
  [
    [
      "pg_backup_start",
      "pg_backup_stop",
      "pg_start_backup",
      "pg_stop_backup",
      "pg_switch_wal",
      "pg_switch_xlog",
      "pg_create_restore_point",
      "pg_promote",
      "pg_wal_replay_pause",
      "pg_wal_replay_resume",
      "pg_log_standby_snapshot",
      "pg_sync_replication_slots",
      "pg_replication_slot_advance",
      "pg_drop_replication_slot",
      "pg_create_physical_replication_slot",
      "pg_create_logical_replication_slot",
      "pg_copy_physical_replication_slot",
      "pg_copy_logical_replication_slot",
    ],
    "admin",
    "controls backup, recovery, WAL or replication",
  ],
  // Catalogue and statistics maintenance.
  [
    [
      "pg_import_system_collations",
      "pg_restore_relation_stats",
      "pg_clear_relation_stats",
      "pg_restore_attribute_stats",
      "pg_clear_attribute_stats",
      "pg_restore_extended_stats",
      "pg_clear_extended_stats",
      "pg_extension_config_dump",
      "pg_nextoid",
      "pg_stop_making_pinned_objects",
      "brin_summarize_new_values",
      "brin_summarize_range",
      "brin_desummarize_range",
      "gin_clean_pending_list",
      "pg_stat_statements_reset",
      "pg_buffercache_evict",
      "pg_buffercache_evict_relation",
      "pg_buffercache_evict_all",
      "pg_truncate_visibility_map",
      "pg_prewarm",
      "autoprewarm_start_worker",
      "autoprewarm_dump_now",
      "postgres_fdw_disconnect",
      "postgres_fdw_disconnect_all",
    ],
    "admin",
    "maintains catalogues, statistics, indexes or caches",
  ],
  // SQL text run out of the guard's sight.
  [
    ["query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "ts_stat", "ts_rewrite"],
    "admin",
    "runs SQL text given as an argument, which the guard cannot inspect",
  ],
  // Writes.
  [["nextval", "setval"], "write", "advances or sets a sequence"],
  [
    [
      "lo_create",
      "lo_creat",
      "lo_unlink",
      "lo_put",
      "lo_from_bytea",
      "lo_truncate",
      "lo_truncate64",
      "lowrite",
      "lo_open",
      "lo_close",
      "lo_lseek",
      "lo_lseek64",
      "lo_tell",
      "lo_tell64",
    ],
    "write",
    "creates, changes or opens a large object",
  ],
  [["pg_notify"], "write", "sends a notification to other sessions (like NOTIFY)"],
  [["pg_current_xact_id", "txid_current"], "write", "assigns a transaction id"],
  [["pg_export_snapshot"], "admin", "exports a snapshot to a file of the database server"],
];

/** Families matched by prefix of the name. */
const PREFIXES: readonly Entry[] = [
  [["pg_ls_"], "admin", "lists directories of the database server"],
  [["dblink"], "admin", "connects to a database server and runs SQL there (dblink)"],
  [["pg_advisory_", "pg_try_advisory_"], "admin", "takes or releases advisory locks that outlive the call"],
  [["pg_stat_reset"], "admin", "resets server statistics"],
  [["pg_replication_origin_"], "admin", "manages replication origins"],
  [["pg_logical_"], "admin", "reads or writes logical replication slots and messages"],
  [["binary_upgrade_"], "admin", "changes the catalogue for pg_upgrade"],
];

/**
 * Volatile functions of pg_catalog (PostgreSQL 18) that were reviewed and do not act on the server: they read
 * state, produce random values or the time, or cannot be called from SQL at all (trigger, index access method
 * and language handlers). The completeness test accepts these.
 */
export const REVIEWED_AS_READ: readonly string[] = [
  // randomness and time
  "random",
  "random_normal",
  "setseed",
  "array_sample",
  "array_shuffle",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "clock_timestamp",
  "timeofday",
  // sleeping holds a pooled connection, bounded by limits.statementTimeoutMs
  "pg_sleep",
  "pg_sleep_for",
  "pg_sleep_until",
  // reads of server state
  "current_query",
  "currval",
  "lastval",
  "currtid2",
  "lo_get",
  "loread",
  "cursor_to_xml",
  "cursor_to_xmlschema",
  "pg_available_wal_summaries",
  "pg_blocking_pids",
  "pg_safe_snapshot_blocking_pids",
  "pg_isolation_test_session_is_blocked",
  "pg_collation_actual_version",
  "pg_database_collation_actual_version",
  "pg_control_checkpoint",
  "pg_control_init",
  "pg_control_recovery",
  "pg_control_system",
  "pg_current_logfile",
  "pg_current_wal_flush_lsn",
  "pg_current_wal_insert_lsn",
  "pg_current_wal_lsn",
  "pg_database_size",
  "pg_indexes_size",
  "pg_relation_size",
  "pg_table_size",
  "pg_tablespace_size",
  "pg_total_relation_size",
  "pg_get_aios",
  "pg_get_backend_memory_contexts",
  "pg_get_loaded_modules",
  "pg_get_multixact_members",
  "pg_get_sequence_data",
  "pg_sequence_last_value",
  "pg_get_shmem_allocations",
  "pg_get_shmem_allocations_numa",
  "pg_get_wait_events",
  "pg_get_wal_replay_pause_state",
  "pg_get_wal_resource_managers",
  "pg_get_wal_summarizer_state",
  "pg_wal_summary_contents",
  "pg_is_in_recovery",
  "pg_is_wal_replay_paused",
  "pg_jit_available",
  "pg_last_committed_xact",
  "pg_last_wal_receive_lsn",
  "pg_last_wal_replay_lsn",
  "pg_last_xact_replay_timestamp",
  "pg_lock_status",
  "pg_notification_queue_usage",
  "pg_partition_ancestors",
  "pg_partition_tree",
  "pg_prepared_xact",
  "pg_show_replication_origin_status",
  "pg_stat_clear_snapshot",
  "pg_stat_force_next_flush",
  "pg_stat_have_stats",
  "pg_xact_commit_timestamp",
  "pg_xact_commit_timestamp_origin",
  "pg_xact_status",
  "txid_status",
  "amvalidate",
  // not callable from SQL: trigger functions, access-method, tablesample, text-search and language handlers
  "suppress_redundant_updates_trigger",
  "tsvector_update_trigger",
  "tsvector_update_trigger_column",
  "unique_key_recheck",
  "brinhandler",
  "bthandler",
  "ginhandler",
  "gisthandler",
  "hashhandler",
  "spghandler",
  "heap_tableam_handler",
  "bernoulli",
  "system",
  "dsnowball_init",
  "dsnowball_lexize",
  "plpgsql_call_handler",
  "plpgsql_inline_handler",
  "plpgsql_validator",
];

/** Reviewed as reads by family (per-backend statistics getters and RI trigger functions). */
export const REVIEWED_AS_READ_PREFIXES: readonly string[] = ["pg_stat_get_", "RI_FKey_"];

/**
 * Relations (catalogues and views) that hold what a caller of a shared database user must not read: password
 * hashes and user-mapping or subscription passwords, authentication and configuration files, large objects
 * of any owner, and other sessions' statements with their literal values. Reading one is admin, in any schema
 * and case, wherever the name appears (FROM, JOIN, TABLE, COPY, sub-queries).
 * Source: https://www.postgresql.org/docs/18/catalogs.html and views.html.
 */
const SERVER_RELATIONS = new Set([
  "pg_authid",
  "pg_shadow",
  "pg_user_mapping",
  "pg_user_mappings",
  "pg_subscription",
  "pg_hba_file_rules",
  "pg_ident_file_mappings",
  "pg_file_settings",
  "pg_largeobject",
  "pg_stat_activity",
]);

/** The canonical name of a listed server relation, or undefined. */
export function serverRelation(name: string): string | undefined {
  const lower = name.toLowerCase();
  return SERVER_RELATIONS.has(lower) ? lower : undefined;
}

const exact = new Map<string, ServerFunction>();
for (const [names, statementClass, does] of EXACT) {
  for (const name of names) exact.set(name, { name, statementClass, does });
}

/** The listed server function a name refers to, or undefined for an ordinary (read) function. */
export function serverFunction(name: string): ServerFunction | undefined {
  const lower = name.toLowerCase();
  const listed = exact.get(lower);
  if (listed) return listed;
  for (const [prefixes, statementClass, does] of PREFIXES) {
    // The family's name, not the caller's spelling: refusal messages never repeat client text.
    const prefix = prefixes.find((p) => lower.startsWith(p));
    if (prefix) return { name: `${prefix}*`, statementClass, does };
  }
  return undefined;
}
