// The direct-driver baseline: the proxy's point query issued straight from node-postgres (a pg.Pool), with
// the same concurrency, warm-up and call count as the ghz scenarios and no gRPC in between. Runs in a
// process of its own, like the proxy. Prints one JSON line: ScenarioStats plus this process's CPU ms per call.
//
//   LOAD_PG='{"host":...,"port":...,"user":...,"password":...,"database":...}' \
//     npx tsx load-tests/pg-pool-baseline.ts --concurrency=20 --requests=20000 --warmup=2000 --pool=10 --rows=10000
import { parseArgs } from "node:util";
import pg from "pg";
import { PG_POINT_QUERY, pointQueryId } from "./fixture.js";
import { statsFromLatencies } from "./stats.js";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "20" },
    requests: { type: "string", default: "20000" },
    warmup: { type: "string", default: "2000" },
    pool: { type: "string", default: "10" },
    rows: { type: "string", default: "10000" },
  },
});
const concurrency = Number(values.concurrency);
const requests = Number(values.requests);
const warmup = Number(values.warmup);
const rows = Number(values.rows);
const info = JSON.parse(process.env.LOAD_PG ?? "null") as pg.PoolConfig | null;
if (!info) throw new Error("LOAD_PG (connection info as JSON) is required");

const pool = new pg.Pool({ ...info, max: Number(values.pool) });

/** `concurrency` callers share one counter, like ghz's workers; each call waits for the previous one. */
async function drive(total: number, record: boolean) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const requestNumber = next++;
      if (requestNumber >= total) return;
      const started = performance.now();
      try {
        const result = await pool.query({
          text: PG_POINT_QUERY,
          values: [pointQueryId(requestNumber, rows)],
          rowMode: "array",
        });
        if (result.rows.length !== 1) throw new Error(`expected one row, got ${result.rows.length}`);
        if (record) latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, errors, wallMs: performance.now() - started };
}

try {
  await drive(warmup, false);
  const cpuBefore = process.cpuUsage();
  const run = await drive(requests, true);
  const cpu = process.cpuUsage(cpuBefore);
  const nodeCpuMsPerCall = (cpu.user + cpu.system) / 1000 / requests;
  console.log(JSON.stringify({ ...statsFromLatencies(run.latencies, run.errors, run.wallMs), nodeCpuMsPerCall }));
} finally {
  await pool.end();
}
