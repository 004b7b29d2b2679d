// Load test: the proxy under concurrent unary Execute calls, driven by ghz, beside baselines measured in the
// same run on the same machine:
//   grpc-js-echo         a bare grpc-js server with the same service (what gRPC itself costs)
//   proxy-select-1       Execute "SELECT 1" through the proxy to embedded PostgreSQL
//   proxy-point-query    Execute a parameterized primary-key lookup through the proxy
//   pg-pool-point-query  the same lookup straight from a pg.Pool (what the database and driver cost)
// Every scenario gets the same warm-up, concurrency and call count. Prints one table and writes the raw ghz
// reports plus summary.json to the results folder. Loopback only; each ghz run is killed if it overruns.
//
//   load-tests/run.sh [--concurrency=20] [--requests=20000] [--warmup=2000] [--pool=10] [--rows=10000]
//                     [--connections=1] [--results=load-tests/results] [--log-level=warn]
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { credentials } from "@grpc/grpc-js";
import { freePort, type RunningPostgres, startEmbeddedPostgres } from "../app/bench/driver-embedded-postgres.js";
import { type ExecuteResponse, SqlServiceClient } from "../app/src/gen/informix/proxy/v1/sql_service.js";
import { createLoadTable, ghzPointQueryData, PROXY_POINT_QUERY } from "./fixture.js";
import {
  cpuSeconds,
  runBounded,
  signalAll,
  startLongRunning,
  stopAll,
  waitForHttpOk,
  waitForOutput,
} from "./processes.js";
import { formatTable, type LoadTestSummary, type ScenarioResult } from "./report.js";
import { type GhzReport, type ScenarioStats, statsFromGhz } from "./stats.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = resolve(here, "..");
const appDir = join(repoRoot, "app");

const { values: opts } = parseArgs({
  options: {
    concurrency: { type: "string", default: "20" },
    requests: { type: "string", default: "20000" },
    warmup: { type: "string", default: "2000" },
    pool: { type: "string", default: "10" },
    rows: { type: "string", default: "10000" },
    connections: { type: "string", default: "1" },
    results: { type: "string", default: join(here, "results") },
    "log-level": { type: "string", default: "warn" },
    "max-minutes": { type: "string", default: "20" },
  },
});
const settings = {
  concurrency: Number(opts.concurrency),
  requests: Number(opts.requests),
  warmup: Number(opts.warmup),
  pool: Number(opts.pool),
  tableRows: Number(opts.rows),
  connections: Number(opts.connections),
  proxyLogLevel: opts["log-level"],
};
for (const [name, value] of Object.entries(settings)) {
  if (typeof value === "number" && !(Number.isInteger(value) && value >= 0)) throw new Error(`bad --${name}`);
}
const maxMinutes = Number(opts["max-minutes"]);
if (!(maxMinutes > 0)) throw new Error("bad --max-minutes");
const resultsDir = resolve(opts.results);
const ghz = process.env.GHZ ?? "ghz";
/** A ghz run (warm-up or measured) that takes longer than this is killed and the run fails. */
const GHZ_RUN_TIMEOUT_MS = 5 * 60_000;
const METHOD = "informix.proxy.v1.SqlService/Execute";

let postgres: RunningPostgres | undefined;
let workDir: string | undefined;

let tearingDown: Promise<void> | undefined;

/** Stops the children and PostgreSQL and removes the scratch folder; every caller waits for the same one. */
function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    await stopAll();
    await postgres?.stop().catch((error: Error) => log(`stopping PostgreSQL: ${error.message}`));
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  })();
  return tearingDown;
}

// The whole run is bounded too: everything is stopped and the process fails after --max-minutes.
const watchdog = setTimeout(() => {
  log(`stopped after ${maxMinutes} minutes`);
  void teardown().finally(() => process.exit(1));
}, maxMinutes * 60_000);
watchdog.unref();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // `on`, not `once`: a group signal arrives twice (directly and relayed by tsx). The children are signalled
  // and the scratch folder removed synchronously first, so a second signal that kills us leaves nothing behind.
  process.on(signal, () => {
    if (tearingDown) return;
    log(`${signal}: stopping`);
    signalAll("SIGTERM");
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    void teardown().finally(() => process.exit(130));
  });
}

function log(message: string) {
  console.error(`[load-test] ${message}`);
}

async function startProxy(postgres: RunningPostgres, workDir: string) {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const config = join(workDir, "proxy.yaml");
  const { info } = postgres;
  writeFileSync(
    config,
    [
      `server: { host: 127.0.0.1, grpcPort: ${grpcPort}, httpPort: ${httpPort} }`,
      `logging: { level: ${settings.proxyLogLevel} }`,
      "audit: { enabled: false }",
      "databases:",
      "  load:",
      "    driver: postgres",
      "    default: true",
      `    host: ${info.host}`,
      `    port: ${info.port}`,
      `    database: ${info.database}`,
      `    user: ${info.user}`,
      "    password: { env: LOAD_PG_PASSWORD }",
      `    pool: { max: ${settings.pool} }`,
      "",
    ].join("\n"),
  );
  // The proxy's log goes to a file, so nothing in this process has to keep up with it.
  const logFd = openSync(join(resultsDir, "proxy.log"), "w");
  const proxy = startLongRunning(process.execPath, [join(appDir, "dist", "main.js"), "serve", "--config", config], {
    cwd: repoRoot,
    env: { ...process.env, LOAD_PG_PASSWORD: info.password },
    stdio: ["ignore", logFd, logFd],
  });
  await waitForHttpOk(`http://127.0.0.1:${httpPort}/readyz`, proxy, 60_000);
  return { target: `127.0.0.1:${grpcPort}`, pid: proxy.pid };
}

async function startEcho() {
  const echo = startLongRunning(process.execPath, ["--import", "tsx", join(here, "echo-server.ts")], {
    cwd: appDir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const match = await waitForOutput(echo, /"echoPort":(\d+)/, 60_000);
  return { target: `127.0.0.1:${match[1]}`, pid: echo.pid };
}

/** One call before any load: the target answers with the row the scenario expects, or the run stops here. */
async function sanityCall(target: string, sql: string, id: bigint | undefined, expectFirst: bigint) {
  const client = new SqlServiceClient(target, credentials.createInsecure());
  try {
    const response = await new Promise<ExecuteResponse>((resolveCall, rejectCall) =>
      client.execute(
        {
          database: "",
          sessionId: "",
          sql,
          statementId: "",
          params: id === undefined ? [] : [{ kind: { $case: "int64Value", value: id } }],
          maxRows: 0,
          timeoutMs: 0,
        },
        (error, value) => (error ? rejectCall(error) : resolveCall(value)),
      ),
    );
    const first = response.rows[0]?.values[0]?.kind;
    if (response.rows.length !== 1 || first?.$case !== "int64Value" || first.value !== expectFirst) {
      throw new Error(`${target} "${sql}": unexpected answer ${JSON.stringify(response.rows, (_, v) => String(v))}`);
    }
  } finally {
    client.close();
  }
}

async function ghzRun(target: string, data: string, count: number, output?: string): Promise<void> {
  const args = [
    "--insecure",
    "--call",
    METHOD,
    "--data",
    data,
    "--concurrency",
    String(settings.concurrency),
    "--connections",
    String(settings.connections),
    "--total",
    String(count),
    "--timeout",
    "10s",
    "--format",
    "json",
    "--output",
    output ?? "/dev/null",
    target,
  ];
  await runBounded(ghz, args, { timeoutMs: GHZ_RUN_TIMEOUT_MS });
}

async function ghzScenario(
  name: string,
  role: ScenarioResult["role"],
  description: string,
  server: { target: string; pid: number | undefined },
  data: string,
): Promise<ScenarioResult> {
  const { target } = server;
  const loadAverageAtStart = loadavg()[0] ?? 0;
  log(
    `${name}: warm-up ${settings.warmup} calls, then ${settings.requests} calls at concurrency ${settings.concurrency}`,
  );
  if (settings.warmup > 0) await ghzRun(target, data, settings.warmup);
  const rawReport = join(resultsDir, `ghz-${name}.json`);
  const cpuBefore = cpuSeconds(server.pid);
  await ghzRun(target, data, settings.requests, rawReport);
  const nodeCpuMsPerCall = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / settings.requests;
  const report = JSON.parse(readFileSync(rawReport, "utf8")) as GhzReport;
  return {
    name,
    role,
    description,
    rawReport: relative(resultsDir, rawReport),
    loadAverageAtStart,
    nodeCpuMsPerCall,
    ...statsFromGhz(report),
  };
}

async function pgPoolScenario(postgres: RunningPostgres): Promise<ScenarioResult> {
  const name = "pg-pool-point-query";
  const loadAverageAtStart = loadavg()[0] ?? 0;
  log(
    `${name}: warm-up ${settings.warmup} calls, then ${settings.requests} calls at concurrency ${settings.concurrency}`,
  );
  const stdout = await runBounded(
    process.execPath,
    [
      "--import",
      "tsx",
      join(here, "pg-pool-baseline.ts"),
      `--concurrency=${settings.concurrency}`,
      `--requests=${settings.requests}`,
      `--warmup=${settings.warmup}`,
      `--pool=${settings.pool}`,
      `--rows=${settings.tableRows}`,
    ],
    { cwd: appDir, env: { ...process.env, LOAD_PG: JSON.stringify(postgres.info) }, timeoutMs: GHZ_RUN_TIMEOUT_MS },
  );
  const stats = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as ScenarioStats & { nodeCpuMsPerCall: number };
  return {
    name,
    role: "baseline",
    description: `the point query straight from a pg.Pool (max ${settings.pool}) in its own Node process, no gRPC`,
    loadAverageAtStart,
    ...stats,
  };
}

/** run.sh passes the pinned version it checked; `ghz --version` says "dev" for go-installed builds. */
async function ghzVersion(): Promise<string> {
  return process.env.GHZ_VERSION ?? (await runBounded(ghz, ["--version"], { timeoutMs: 10_000 })).trim();
}

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  // A summary left by an earlier run must not pass for this one's if this run fails.
  rmSync(join(resultsDir, "summary.json"), { force: true });
  const startedAt = new Date().toISOString();
  const version = await ghzVersion();
  workDir = mkdtempSync(join(tmpdir(), "igp-load-"));
  log(`ghz ${version}; starting embedded PostgreSQL`);
  postgres = await startEmbeddedPostgres();
  const database = postgres;
  try {
    await createLoadTable(database.info, settings.tableRows);
    const [proxy, echo] = await Promise.all([startProxy(database, workDir), startEcho()]);
    log(`PostgreSQL on ${database.info.host}:${database.info.port}, proxy on ${proxy.target}, echo on ${echo.target}`);
    await sanityCall(echo.target, "SELECT 1", undefined, 1n);
    await sanityCall(proxy.target, "SELECT 1", undefined, 1n);
    await sanityCall(proxy.target, PROXY_POINT_QUERY, 7n, 7n);

    const select1 = JSON.stringify({ sql: "SELECT 1" });
    const scenarios: ScenarioResult[] = [];
    scenarios.push(
      await ghzScenario(
        "grpc-js-echo",
        "baseline",
        "bare grpc-js server, same service and reflection, fixed one-row answer, no interceptors, no database",
        echo,
        select1,
      ),
    );
    scenarios.push(
      await ghzScenario("proxy-select-1", "proxy", "Execute SELECT 1 through the proxy to PostgreSQL", proxy, select1),
    );
    scenarios.push(
      await ghzScenario(
        "proxy-point-query",
        "proxy",
        `Execute a primary-key lookup with one int64 parameter over ${settings.tableRows} rows through the proxy`,
        proxy,
        ghzPointQueryData(settings.tableRows),
      ),
    );
    scenarios.push(await pgPoolScenario(database));

    const summary: LoadTestSummary = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        platform: `${process.platform} ${process.arch}`,
        node: process.version,
      },
      settings: { ...settings, ghzVersion: version },
      scenarios,
    };
    writeFileSync(join(resultsDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(
      `Unary Execute, concurrency ${settings.concurrency}, ${settings.requests} calls after ${settings.warmup} warm-up, ` +
        `${settings.connections} HTTP/2 connection(s), pool ${settings.pool}, ${summary.machine.cpus} CPUs`,
    );
    console.log(formatTable(scenarios));
    console.log(`results: ${join(resultsDir, "summary.json")}`);
    if (scenarios.some((s) => s.errors > 0)) process.exitCode = 1;
  } finally {
    await teardown();
  }
}

await main().catch((error: Error) => {
  log(`failed: ${error.message}`);
  process.exitCode = 1;
});
