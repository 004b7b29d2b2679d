// Fault scenario: SQLite statements abandoned at their deadline. node:sqlite cannot interrupt a statement, so one
// inside a single long SQLite step (a count over billions of rows) keeps running in its given-up worker thread
// while the proxy must go on serving. On the embedded SQLite demo, in a proxy process of its own:
//   1. baseline: SELECT 1 and /healthz latency with nothing else running (pool max 4);
//   2. one such statement with a 500 ms client deadline while probes keep calling SELECT 1 and /healthz: each
//      bar compares the probes after the deadline (the statement abandoned, still running) with the baseline;
//   3. pool max 1: the only connection's worker is given up; the next SELECT 1 must not wait for it;
//   4. SIGTERM with the abandoned statement still running: the process must end within the drain timeout.
// Part of the suite (run.ts --only=sqlite-abandoned); also runs alone:
//   npm run build -w app && cd app && npx tsx ../load-tests/faults/sqlite-abandoned.ts
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials } from "@grpc/grpc-js";
import { SqlServiceClient } from "../../app/src/gen/informix/proxy/v1/sql_service.js";
import { atMost, type Figure, failed, formatReport, info, type ScenarioReport, zero } from "./bars.js";
import { execute, percentile } from "./calls.js";

const MAIN = fileURLToPath(new URL("../../app/dist/main.js", import.meta.url));
const DELAY_BAR_MS = 50;
const DEADLINE_MS = 500;
const HUNG_BAR_MS = 1000;
const DRAIN_MS = 3000;
const ENDLESS_COUNT =
  "SELECT count(*) FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000000000) SELECT n FROM s)";

interface Proxy {
  child: ChildProcess;
  client: SqlServiceClient;
  httpPort: number;
  crashed(): boolean;
  /** From now on an exit is asked for, not a crash. */
  stopping(): void;
}

async function startSqliteProxy(dir: string, poolMax: number): Promise<Proxy> {
  const config = join(dir, `sqlite-abandoned-${poolMax}.yaml`);
  writeFileSync(
    config,
    [
      `server: { host: 127.0.0.1, grpcPort: 0, httpPort: 0, drainTimeoutMs: ${DRAIN_MS} }`,
      "logging: { level: info }",
      "audit: { enabled: false }",
      "databases:",
      `  demo: { driver: sqlite, path: ${join(dir, `demo-${poolMax}.db`)}, demo: true, pool: { max: ${poolMax}, minIdle: ${poolMax} } }`,
    ].join("\n"),
  );
  const child = spawn(process.execPath, [MAIN, "serve", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let stopping = false;
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ports = await new Promise<{ grpc: number; http: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the proxy did not start: ${output}`)), 60_000);
    child.stdout?.on("data", () => {
      const match = /"grpcPort":(\d+),"httpPort":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ grpc: Number(match[1]), http: Number(match[2]) });
      }
    });
    child.once("exit", (code) => reject(new Error(`the proxy exited ${code}: ${output}`)));
  });
  const client = new SqlServiceClient(`127.0.0.1:${ports.grpc}`, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  child.once("exit", () => {
    if (!stopping) output += "\n(exited unasked)";
  });
  return {
    child,
    client,
    httpPort: ports.http,
    crashed: () => !stopping && child.exitCode !== null,
    stopping: () => {
      stopping = true;
    },
  };
}

async function healthz(port: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  return response.ok ? performance.now() - started : Number.POSITIVE_INFINITY;
}

interface Probe {
  at: number;
  selectMs: number | undefined;
  healthMs: number;
}

/** SELECT 1 and /healthz side by side, every 20 ms, for durationMs. */
async function probe(proxy: Proxy, durationMs: number): Promise<Probe[]> {
  const probes: Probe[] = [];
  const until = performance.now() + durationMs;
  while (performance.now() < until) {
    const at = performance.now();
    const [call, healthMs] = await Promise.all([
      execute(proxy.client, { sql: "SELECT 1" }, 5000),
      healthz(proxy.httpPort),
    ]);
    probes.push({ at, selectMs: call.code === "OK" ? call.ms : undefined, healthMs });
    await new Promise((r) => setTimeout(r, 20));
  }
  return probes;
}

const selects = (probes: Probe[]) => probes.flatMap((p) => (p.selectMs === undefined ? [] : [p.selectMs]));
const healths = (probes: Probe[]) => probes.map((p) => p.healthMs);

async function stop(proxy: Proxy): Promise<{ ms: number; ended: string }> {
  proxy.stopping();
  proxy.client.close();
  const started = performance.now();
  const exited = new Promise<string>((resolve) =>
    proxy.child.once("exit", (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  proxy.child.kill("SIGTERM");
  const timer = setTimeout(() => proxy.child.kill("SIGKILL"), 30_000);
  const ended = await exited;
  clearTimeout(timer);
  return { ms: performance.now() - started, ended };
}

export async function sqliteAbandoned(ctx: { workDir: string; smoke: boolean }): Promise<ScenarioReport> {
  const started = performance.now();
  const figures: Figure[] = [];
  const notes: string[] = [];
  const window = ctx.smoke ? 1500 : 3000;

  // Pool max 4: other connections serve while one statement is abandoned.
  const shared = await startSqliteProxy(ctx.workDir, 4);
  for (let i = 0; i < 20; i++) await execute(shared.client, { sql: "SELECT 1" }, 5000);
  const baseline = await probe(shared, window);
  const slow = execute(shared.client, { sql: ENDLESS_COUNT }, DEADLINE_MS);
  const during = probe(shared, window + DEADLINE_MS);
  const answer = await slow;
  const answeredAt = performance.now();
  const probes = await during;
  const abandonedPhase = probes.filter((p) => p.at >= answeredAt);
  const metrics = await (await fetch(`http://127.0.0.1:${shared.httpPort}/metrics`)).text();
  const stillRunning = Number(/^proxy_sqlite_abandoned_threads (\d+)/m.exec(metrics)?.[1] ?? "NaN");
  const crashedShared = shared.crashed();
  const sharedStop = await stop(shared);

  // Pool max 1: the abandoned connection itself must be replaced before the next call.
  const single = await startSqliteProxy(ctx.workDir, 1);
  for (let i = 0; i < 20; i++) await execute(single.client, { sql: "SELECT 1" }, 5000);
  const singleBaseline = selects(await probe(single, ctx.smoke ? 500 : 1000));
  const singleAnswer = await execute(single.client, { sql: ENDLESS_COUNT }, DEADLINE_MS);
  const next = await execute(single.client, { sql: "SELECT 1" }, 5000);
  const crashedSingle = single.crashed();
  const singleStop = await stop(single);

  figures.push(
    zero("proxy crashes", (crashedShared ? 1 : 0) + (crashedSingle ? 1 : 0)),
    zero(
      "abandoned calls not DEADLINE_EXCEEDED",
      [answer, singleAnswer].filter((a) => a.code !== "DEADLINE_EXCEEDED").length,
    ),
    atMost(
      "abandoned call answered past its deadline",
      Math.max(answer.ms, singleAnswer.ms) - DEADLINE_MS,
      HUNG_BAR_MS,
      "ms",
    ),
    info(
      "baseline SELECT 1 p50 / p99",
      `${percentile(selects(baseline), 50).toFixed(1)} / ${percentile(selects(baseline), 99).toFixed(1)}`,
      "ms",
    ),
    info(
      "SELECT 1 p50 / p99 while the abandoned statement runs",
      `${percentile(selects(abandonedPhase), 50).toFixed(1)} / ${percentile(selects(abandonedPhase), 99).toFixed(1)}`,
      "ms",
    ),
    atMost(
      "SELECT 1 delay while it runs, p99 - baseline p99",
      percentile(selects(abandonedPhase), 99) - percentile(selects(baseline), 99),
      DELAY_BAR_MS,
      "ms",
    ),
    atMost(
      "/healthz delay while it runs, p99 - baseline p99",
      percentile(healths(abandonedPhase), 99) - percentile(healths(baseline), 99),
      DELAY_BAR_MS,
      "ms",
    ),
    zero("probe calls failed", probes.filter((p) => p.selectMs === undefined).length + (next.code === "OK" ? 0 : 1)),
    atMost(
      "pool max 1: next SELECT 1 after the deadline, minus baseline p50",
      next.ms - percentile(singleBaseline, 50),
      DELAY_BAR_MS,
      "ms",
    ),
    info("abandoned threads still running (proxy_sqlite_abandoned_threads)", stillRunning),
    atMost(
      `SIGTERM to exit with the statement still running (drain ${DRAIN_MS} ms)`,
      Math.max(sharedStop.ms, singleStop.ms),
      DRAIN_MS + HUNG_BAR_MS,
      "ms",
    ),
  );
  notes.push(
    `ended by ${sharedStop.ended} and ${singleStop.ended} (SIGTERM: a thread inside a SQLite step keeps Node from exiting)`,
  );
  return {
    scenario: "sqlite-abandoned: a single-step SQLite statement past its 500 ms deadline",
    figures,
    notes,
    seconds: (performance.now() - started) / 1000,
  };
}

// Run alone: node runs this file itself, not as an import of run.ts.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const workDir = mkdtempSync(join(tmpdir(), "igp-fault-sqlite-"));
  try {
    const report = await sqliteAbandoned({ workDir, smoke: process.argv.includes("--smoke") });
    console.log(formatReport(report));
    process.exitCode = failed(report).length === 0 ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
