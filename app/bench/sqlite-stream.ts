// Benchmark: the embedded SQLite driver through the proxy (a separate process, built from app/dist or the
// --main given): an ExecuteStream of N generated rows (integer, text, real, blob), and meanwhile a SELECT 1 every
// 20 ms and /healthz, whose latency shows whether the stream holds up the event loop. Then 20 callers of unary
// Execute SELECT 1 for 5 s. Prints rows/s, calls/s, probe latencies and peak RSS.
// Run: npm run build -w app && cd app && npx tsx bench/sqlite-stream.ts [rows] [--main=path/to/main.js]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials, Metadata } from "@grpc/grpc-js";
import { type ExecuteStreamResponse, SqlServiceClient } from "../src/gen/informix/proxy/v1/sql_service.js";
import { peakRssMb } from "./driver-baseline.js";

const args = process.argv.slice(2);
const ROWS = Number.parseInt(args.find((a) => /^\d+$/.test(a)) ?? "1000000", 10);
const MAIN =
  args.find((a) => a.startsWith("--main="))?.slice("--main=".length) ??
  fileURLToPath(new URL("../dist/main.js", import.meta.url));
const FETCH_SIZE = 1000;
const QUERY = `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${ROWS})
  SELECT n, 'row number ' || n AS label, n * 0.25 AS amount, randomblob(16) AS tag FROM s`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function unary(client: SqlServiceClient, sql: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    client.execute(
      { database: "", sessionId: "", sql, statementId: "", params: [], maxRows: 0, timeoutMs: 0 },
      new Metadata(),
      (error) => (error ? reject(error) : resolve(performance.now() - started)),
    );
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "igp-bench-sqlite-"));
  const config = join(dir, "proxy.yaml");
  writeFileSync(
    config,
    [
      "server: { host: 127.0.0.1, grpcPort: 0, httpPort: 0 }",
      "logging: { level: warn }",
      "audit: { enabled: false }",
      "limits: { statementTimeoutMs: 0, maxStatementTimeoutMs: 0 }",
      "databases:",
      `  bench: { driver: sqlite, path: ${join(dir, "bench.db")}, pool: { max: 4, minIdle: 2 } }`,
    ].join("\n"),
  );
  const proxy = spawn(process.execPath, [MAIN, "serve", "--config", config], {
    env: { ...process.env, PROXY__LOGGING__LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let buffer = "";
    const [grpcPort, httpPort] = await new Promise<[number, number]>((resolve, reject) => {
      proxy.stdout.on("data", (c: Buffer) => {
        buffer += c.toString();
        // Warnings and errors of the proxy go to this process's stderr.
        for (const line of c.toString().split("\n"))
          if (/"level":(4|5|6)0/.test(line)) process.stderr.write(`${line}\n`);
        const match = /"grpcPort":(\d+),"httpPort":(\d+)/.exec(buffer);
        if (match) resolve([Number(match[1]), Number(match[2])]);
      });
      proxy.on("exit", () => reject(new Error(`proxy exited: ${buffer}`)));
    });
    const client = new SqlServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
    const probeClient = new SqlServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
    });
    for (let i = 0; i < 50; i++) await unary(probeClient, "SELECT 1");

    const probes: number[] = [];
    const probeErrors: number[] = [];
    const health: number[] = [];
    let streaming = true;
    const probing = (async () => {
      while (streaming) {
        const ms = await unary(probeClient, "SELECT 1").catch((error: { code?: number }) => {
          probeErrors.push(error.code ?? -1);
          return undefined;
        });
        if (ms !== undefined) probes.push(ms);
        const started = performance.now();
        await (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).arrayBuffer();
        health.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const started = performance.now();
    let rows = 0;
    await new Promise<void>((resolve, reject) => {
      const stream = client.executeStream({
        database: "",
        sessionId: "",
        sql: QUERY,
        statementId: "",
        params: [],
        fetchSize: FETCH_SIZE,
        timeoutMs: 0,
      });
      stream.on("data", (m: ExecuteStreamResponse) => {
        if (m.payload?.$case === "batch") rows += m.payload.value.rows.length;
      });
      stream.on("error", reject);
      stream.on("end", resolve);
    });
    const seconds = (performance.now() - started) / 1000;
    streaming = false;
    await probing;
    const streamPeak = peakRssMb(proxy.pid as number);

    // Unary throughput: 20 callers for 5 s.
    let calls = 0;
    const callErrors = new Map<number, number>();
    const until = performance.now() + 5000;
    const unaryStarted = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (performance.now() < until) {
          await unary(client, "SELECT 1").then(
            () => {
              calls += 1;
            },
            (error: { code?: number }) => {
              callErrors.set(error.code ?? -1, (callErrors.get(error.code ?? -1) ?? 0) + 1);
            },
          );
        }
      }),
    );
    const unarySeconds = (performance.now() - unaryStarted) / 1000;

    console.log(`SQLite benchmark (${MAIN}), ${ROWS} rows, fetch size ${FETCH_SIZE}`);
    console.log(
      `ExecuteStream: ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s; proxy peak RSS ${streamPeak.toFixed(1)} MB`,
    );
    console.log(
      `  SELECT 1 while streaming: p50 ${percentile(probes, 50).toFixed(1)} ms, p99 ${percentile(probes, 99).toFixed(1)} ms, max ${Math.max(...probes).toFixed(1)} ms (n=${probes.length}, failed: ${probeErrors.length ? probeErrors.join(",") : "none"}); /healthz p99 ${percentile(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms`,
    );
    console.log(
      `Execute SELECT 1, 20 callers: ${Math.round(calls / unarySeconds)} calls/s; failed by code: ${JSON.stringify(Object.fromEntries(callErrors))}`,
    );
    client.close();
    probeClient.close();
    if (rows !== ROWS) throw new Error(`row count mismatch: ${rows} of ${ROWS}`);
  } finally {
    proxy.kill("SIGTERM");
    await new Promise((r) => proxy.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
