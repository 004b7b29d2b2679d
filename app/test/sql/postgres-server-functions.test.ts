// The list of functions that act on the server (src/sql/postgres/server-functions.ts) checked against the
// real server: every volatile function in pg_catalog of the test PostgreSQL must be either listed with a class
// or reviewed as a read. A new PostgreSQL release that adds one fails here until someone decides.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  REVIEWED_AS_READ,
  REVIEWED_AS_READ_PREFIXES,
  serverFunction,
} from "../../src/sql/postgres/server-functions.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

describe("server functions of PostgreSQL", () => {
  let db: TestDatabase;
  let volatile: string[];
  beforeAll(async () => {
    db = await createTestDatabase("fn");
    const result = await db.admin(
      `SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'pg_catalog' AND p.provolatile = 'v' ORDER BY 1`,
    );
    volatile = result.rows.map((r: { proname: string }) => r.proname);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("every volatile pg_catalog function is listed with a class or reviewed as a read", () => {
    expect(volatile.length).toBeGreaterThan(200);
    const reviewed = new Set(REVIEWED_AS_READ);
    const undecided = volatile.filter(
      (name) =>
        serverFunction(name) === undefined &&
        !reviewed.has(name) &&
        !REVIEWED_AS_READ_PREFIXES.some((prefix) => name.startsWith(prefix)),
    );
    expect(undecided).toEqual([]);
  });

  it("nothing is both listed and reviewed as a read", () => {
    expect(REVIEWED_AS_READ.filter((name) => serverFunction(name) !== undefined)).toEqual([]);
  });

  it("the functions that reach files, programs, other sessions or other servers are admin", () => {
    for (const name of [
      "pg_read_file",
      "pg_read_binary_file",
      "pg_ls_dir",
      "pg_ls_waldir",
      "pg_stat_file",
      "lo_import",
      "lo_export",
      "dblink",
      "dblink_exec",
      "dblink_connect_u",
      "pg_terminate_backend",
      "pg_cancel_backend",
      "set_config",
      "pg_reload_conf",
      "pg_rotate_logfile",
      "pg_advisory_lock",
      "pg_try_advisory_lock_shared",
      "pg_create_physical_replication_slot",
      "pg_logical_emit_message",
      "pg_stat_reset",
      "pg_switch_wal",
      "query_to_xml",
      "ts_stat",
    ]) {
      expect(serverFunction(name)?.statementClass, name).toBe("admin");
      expect(serverFunction(name.toUpperCase())?.statementClass, name).toBe("admin");
    }
    for (const name of ["nextval", "setval", "lo_create", "lo_unlink", "pg_notify", "txid_current"]) {
      expect(serverFunction(name)?.statementClass, name).toBe("write");
    }
    for (const name of ["now", "currval", "pg_sleep", "count", "lower", "random", "my_function"]) {
      expect(serverFunction(name), name).toBeUndefined();
    }
  });
});
