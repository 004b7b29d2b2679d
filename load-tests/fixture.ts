// The table the point-query scenarios read, and the queries themselves, shared by the runner (which
// creates the table) and the direct-driver baseline (which queries it without the proxy).
import pg from "pg";
import type { PostgresServerInfo } from "../app/bench/driver-embedded-postgres.js";

export const TABLE_ROWS_DEFAULT = 10_000;

/** Through the proxy: positional ? placeholders, as the API takes them. */
export const PROXY_POINT_QUERY = "SELECT id, name, price, updated_at FROM load_items WHERE id = ?";
/** The same statement for node-postgres. */
export const PG_POINT_QUERY = "SELECT id, name, price, updated_at FROM load_items WHERE id = $1";

/** Ids cycle through the table so every call finds exactly one row: 1, 2, ..., rows, 1, ... */
export function pointQueryId(requestNumber: number, rows: number): number {
  return (requestNumber % rows) + 1;
}

/** ghz call template giving the same id sequence (sprig's mod and add1) from ghz's 0-based request number. */
export function ghzPointQueryData(rows: number): string {
  return JSON.stringify({
    sql: PROXY_POINT_QUERY,
    params: [{ int64Value: `{{ add1 (mod .RequestNumber ${rows}) }}` }],
  });
}

/** bigint key, text, numeric(12,2) and timestamp: a typical narrow row with the types the proxy maps losslessly. */
export async function createLoadTable(info: PostgresServerInfo, rows: number): Promise<void> {
  const admin = new pg.Client({ ...info });
  await admin.connect();
  try {
    await admin.query("DROP TABLE IF EXISTS load_items");
    await admin.query(
      `CREATE TABLE load_items AS SELECT i::bigint AS id, 'item ' || i AS name, (i * 0.25)::numeric(12,2) AS price,
       timestamp '2026-01-01' + i * interval '1 minute' AS updated_at FROM generate_series(1, ${Math.floor(rows)}) i`,
    );
    await admin.query("ALTER TABLE load_items ADD PRIMARY KEY (id)");
    await admin.query("VACUUM ANALYZE load_items");
  } finally {
    await admin.end();
  }
}
