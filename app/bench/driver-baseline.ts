// The "direct driver" baseline for the streaming benchmark: reads N rows (default 1,000,000) from
// PostgreSQL with pg-cursor and no proxy at all, printing rows/s and peak RSS. With --via=driver it reads
// the same rows through the proxy's own PostgreSQL driver (PostgresConnection.openCursor), which shows
// the cost of the lossless value mapping without gRPC.
//
//   npx tsx bench/driver-baseline.ts [--rows=1000000] [--fetch=1000] [--via=pg-cursor|driver]
//
// Starts its own embedded PostgreSQL unless BENCH_PG holds connection info as JSON ({host, port, user,
// password, database}) of a server that already has bench_rows.
import { readFileSync } from "node:fs";
import pg from "pg";
import Cursor from "pg-cursor";
import { PoolConfig } from "../src/config/schema.js";
import { createPostgresDriver } from "../src/db/drivers/postgres/index.js";
import { type PostgresServerInfo, startEmbeddedPostgres } from "./driver-embedded-postgres.js";

export { type PostgresServerInfo, startEmbeddedPostgres } from "./driver-embedded-postgres.js";

export const BENCH_QUERY = "SELECT id, label, amount, created_at FROM bench_rows ORDER BY id";

/** The benchmark table: bigint, text, numeric(14,2), timestamp — the shapes the proxy maps losslessly. */
export async function createBenchRows(info: PostgresServerInfo, rows: number): Promise<void> {
  const admin = new pg.Client({ ...info });
  await admin.connect();
  try {
    await admin.query("DROP TABLE IF EXISTS bench_rows");
    await admin.query(
      `CREATE TABLE bench_rows AS SELECT i::bigint AS id, md5(i::text) AS label, (i * 1.25)::numeric(14,2) AS amount,
       timestamp '2026-01-01' + i * interval '1 second' AS created_at FROM generate_series(1, ${Math.floor(rows)}) i`,
    );
    await admin.query("ALTER TABLE bench_rows ADD PRIMARY KEY (id)");
    await admin.query("VACUUM ANALYZE bench_rows");
  } finally {
    await admin.end();
  }
}

/** Peak resident set size (VmHWM) of a process, this one by default, in MB. */
export function peakRssMb(pid: number | "self" = "self"): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "0");
  return kb / 1024;
}

async function readWithPgCursor(info: PostgresServerInfo, fetchSize: number): Promise<number> {
  const client = new pg.Client({ ...info });
  await client.connect();
  try {
    const cursor = client.query(new Cursor(BENCH_QUERY, [], { rowMode: "array" }));
    let rows = 0;
    for (;;) {
      const batch = await cursor.read(fetchSize);
      if (batch.length === 0) break;
      rows += batch.length;
    }
    await cursor.close();
    return rows;
  } finally {
    await client.end();
  }
}

async function readWithDriver(info: PostgresServerInfo, fetchSize: number): Promise<number> {
  const driver = createPostgresDriver(
    {
      driver: "postgres",
      host: info.host,
      port: info.port,
      database: info.database,
      ssl: "disable",
      applicationName: "igp-bench",
      default: false,
      pool: PoolConfig.parse({}),
    },
    { credentials: async () => ({ user: info.user, password: info.password }) },
  );
  const connection = await driver.connect();
  try {
    const cursor = await connection.openCursor({ sql: BENCH_QUERY }, [], {});
    let rows = 0;
    for (;;) {
      const batch = await cursor.next(fetchSize);
      if (batch.length === 0) break;
      rows += batch.length;
    }
    await cursor.close();
    return rows;
  } finally {
    await connection.close();
  }
}

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

async function main(): Promise<void> {
  const rows = Number(option("rows", "1000000"));
  const fetchSize = Number(option("fetch", "1000"));
  const via = option("via", "pg-cursor");
  const external = process.env.BENCH_PG ? (JSON.parse(process.env.BENCH_PG) as PostgresServerInfo) : undefined;
  const server = external ? undefined : await startEmbeddedPostgres();
  const info = external ?? (server?.info as PostgresServerInfo);
  try {
    if (!external) await createBenchRows(info, rows);
    const rssBefore = peakRssMb();
    const started = process.hrtime.bigint();
    const read = via === "driver" ? await readWithDriver(info, fetchSize) : await readWithPgCursor(info, fetchSize);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const result = {
      via,
      rows: read,
      fetchSize,
      seconds: Number(seconds.toFixed(3)),
      rowsPerSecond: Math.round(read / seconds),
      peakRssMb: Number(peakRssMb().toFixed(1)),
      rssBeforeReadMb: Number(rssBefore.toFixed(1)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await server?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
