// Baseline for stream-1m: reads the benchmark query straight from PostgreSQL with pg-cursor in batches of the
// same fetch size, then prints {rows, seconds, peakRssMb} as JSON. Run by stream-1m.ts in a process of its own.
import { readFileSync } from "node:fs";
import pg from "pg";
import Cursor from "pg-cursor";

const info = JSON.parse(process.env.BENCH_PG ?? "{}");
const query = process.env.BENCH_QUERY ?? "";
const fetchSize = Number(process.env.BENCH_FETCH ?? "1000");

const client = new pg.Client(info);
await client.connect();
const started = process.hrtime.bigint();
const cursor = client.query(new Cursor(query));
let rows = 0;
for (;;) {
  const batch = await cursor.read(fetchSize);
  if (batch.length === 0) break;
  rows += batch.length;
}
await cursor.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await client.end();
const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0");
process.stdout.write(JSON.stringify({ rows, seconds, peakRssMb: kb / 1024 }));
