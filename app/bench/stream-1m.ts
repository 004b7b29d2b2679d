// Benchmark: a 1,000,000-row ExecuteStream through the proxy (a separate process, built from app/dist) against
// embedded PostgreSQL, beside a direct pg-cursor read of the same rows in a child process of its own.
// Prints rows/s and peak RSS (VmHWM) of each. Run: npm run bench:stream -w app [-- rows]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials } from "@grpc/grpc-js";
import { type ExecuteStreamResponse, SqlServiceClient } from "../src/gen/informix/proxy/v1/sql_service.js";
import { BENCH_QUERY, createBenchRows, peakRssMb } from "./driver-baseline.js";
import { startEmbeddedPostgres } from "./driver-embedded-postgres.js";

const ROWS = Number.parseInt(process.argv[2] ?? "1000000", 10);
const FETCH_SIZE = 1000;
const QUERY = BENCH_QUERY;
const here = fileURLToPath(new URL(".", import.meta.url));

async function runChild(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
  });
}

async function main() {
  const postgres = await startEmbeddedPostgres();
  const dir = mkdtempSync(join(tmpdir(), "igp-bench-"));
  try {
    const { info } = postgres;
    await createBenchRows(info, ROWS);
    // Baselines in processes of their own, same rows and fetch size: pg-cursor alone, and the proxy's
    // PostgreSQL driver without gRPC (the cost of lossless value mapping).
    const baseline = async (via: string) =>
      JSON.parse(
        await runChild(["--import", "tsx", join(here, "driver-baseline.ts"), `--via=${via}`, `--fetch=${FETCH_SIZE}`], {
          BENCH_PG: JSON.stringify(info),
        }),
      ) as { rows: number; seconds: number; peakRssMb: number };
    const direct = await baseline("pg-cursor");
    const driverOnly = await baseline("driver");

    // The proxy in its own process, so its RSS is measured alone.
    const config = join(dir, "proxy.yaml");
    writeFileSync(
      config,
      [
        "server: { host: 127.0.0.1, grpcPort: 0, httpPort: 0 }",
        "logging: { level: warn }",
        "limits: { statementTimeoutMs: 0, maxStatementTimeoutMs: 0 }",
        "databases:",
        "  bench:",
        "    driver: postgres",
        `    host: ${info.host}`,
        `    port: ${info.port}`,
        `    database: ${info.database}`,
        `    user: ${info.user}`,
        "    password: { env: BENCH_PG_PASSWORD }",
      ].join("\n"),
    );
    const proxy = spawn(process.execPath, [join(here, "..", "dist", "main.js"), "serve", "--config", config], {
      env: { ...process.env, BENCH_PG_PASSWORD: info.password, PROXY__LOGGING__LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let httpPort = 0;
    const port = await new Promise<number>((resolve, reject) => {
      let buffer = "";
      proxy.stdout.on("data", (c: Buffer) => {
        buffer += c.toString();
        const match = /"grpcPort":(\d+),"httpPort":(\d+)/.exec(buffer);
        if (match) {
          httpPort = Number(match[2]);
          resolve(Number(match[1]));
        }
      });
      proxy.on("exit", () => reject(new Error(`proxy exited: ${buffer}`)));
    });
    const baselineRss = peakRssMb(proxy.pid as number);
    const client = new SqlServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
    });
    const started = process.hrtime.bigint();
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
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const proxyPeak = peakRssMb(proxy.pid as number);
    const metricsText = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const metric = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)`, "m").exec(metricsText)?.[1] ?? "NaN") / 1048576;
    const memoryNote = `proxy after the stream: heap total ${metric("nodejs_heap_size_total_bytes").toFixed(1)} MB, external ${metric("nodejs_external_memory_bytes").toFixed(1)} MB`;
    client.close();
    proxy.kill("SIGTERM");
    await new Promise((r) => proxy.once("exit", r));

    const line = (name: string, r: number, s: number, rss: number) =>
      `${name.padEnd(34)} ${String(r).padStart(9)} rows ${s.toFixed(2).padStart(7)} s ${Math.round(r / s)
        .toString()
        .padStart(9)} rows/s  peak RSS ${rss.toFixed(1).padStart(7)} MB`;
    console.log(
      `ExecuteStream benchmark, ${ROWS} rows, fetch size ${FETCH_SIZE}, PostgreSQL ${info.host}:${info.port}`,
    );
    console.log(line("direct pg-cursor (baseline)", direct.rows, direct.seconds, direct.peakRssMb));
    console.log(line("proxy's driver, no gRPC (baseline)", driverOnly.rows, driverOnly.seconds, driverOnly.peakRssMb));
    console.log(line("proxy ExecuteStream (gRPC loopback)", rows, seconds, proxyPeak));
    console.log(memoryNote);
    console.log(`proxy RSS after start-up ${baselineRss.toFixed(1)} MB; limit for the 1M-row stream: 200 MB`);
    if (rows !== ROWS || direct.rows !== ROWS)
      throw new Error(`row count mismatch: proxy ${rows}, direct ${direct.rows}`);
    if (proxyPeak >= 200) {
      console.log("FAIL: proxy peak RSS above 200 MB");
      process.exitCode = 1;
    }
  } finally {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
