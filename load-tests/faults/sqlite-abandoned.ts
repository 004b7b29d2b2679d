// Fault scenario: SQLite statements abandoned at their deadline. node:sqlite cannot interrupt a statement, so
// each one keeps running in its (terminated) worker thread while the proxy must go on serving. Against the
// built proxy (app/dist) in a process of its own, on the embedded SQLite demo:
//   1. baseline: SELECT 1 and /healthz latency with nothing else running;
//   2. fault: long single-step statements (a count over billions of rows) with a 500 ms client deadline, while
//      probes keep calling SELECT 1 and /healthz; with pool max 1 too, where the abandoned connection itself
//      must be replaced before the next call;
//   3. SIGTERM with an abandoned statement still running: the process must end within the drain timeout.
// Prints each figure beside its bar and exits 1 when a bar is missed.
// Run: npm run build -w app && cd app && npx tsx ../load-tests/faults/sqlite-abandoned.ts
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { type ExecuteRequest, SqlServiceClient } from "../../app/src/gen/informix/proxy/v1/sql_service.js";

const MAIN = fileURLToPath(new URL("../../app/dist/main.js", import.meta.url));
const DELAY_BAR_MS = 50;
const DEADLINE_MS = 500;
const HUNG_BAR_MS = 1000;
const ENDLESS_COUNT =
  "SELECT count(*) FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000000000) SELECT n FROM s)";

interface Proxy {
  child: ChildProcess;
  client: SqlServiceClient;
  httpPort: number;
  output: () => string;
}

const failures: string[] = [];

function bar(name: string, value: number, limit: number, unit = "ms"): void {
  const ok = value <= limit;
  if (!ok) failures.push(name);
  console.log(`  ${ok ? "PASS" : "FAIL"}  ${name}: ${value.toFixed(1)} ${unit} (bar <= ${limit} ${unit})`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function describe(values: number[]): string {
  return `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (n=${values.length})`;
}

async function startProxy(dir: string, poolMax: number): Promise<Proxy> {
  const config = join(dir, `proxy-${poolMax}.yaml`);
  writeFileSync(
    config,
    [
      "server: { host: 127.0.0.1, grpcPort: 0, httpPort: 0, drainTimeoutMs: 3000 }",
      "logging: { level: warn }",
      "audit: { enabled: false }",
      "databases:",
      "  demo:",
      "    driver: sqlite",
      `    path: ${join(dir, "demo.db")}`,
      "    demo: true",
      `    pool: { max: ${poolMax}, minIdle: ${poolMax} }`,
    ].join("\n"),
  );
  const child = spawn(process.execPath, [MAIN, "serve", "--config", config], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PROXY__LOGGING__LEVEL: "info" },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ports = await new Promise<{ grpc: number; http: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start: ${output}`)), 30_000);
    child.stdout?.on("data", () => {
      const match = /"grpcPort":(\d+),"httpPort":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ grpc: Number(match[1]), http: Number(match[2]) });
      }
    });
    child.once("exit", (code) => reject(new Error(`proxy exited ${code}: ${output}`)));
  });
  const client = new SqlServiceClient(`127.0.0.1:${ports.grpc}`, credentials.createInsecure());
  return { child, client, httpPort: ports.http, output: () => output };
}

function execute(client: SqlServiceClient, sql: string, deadlineMs?: number): Promise<{ ms: number; code: number }> {
  const request: ExecuteRequest = {
    database: "",
    sessionId: "",
    sql,
    statementId: "",
    params: [],
    maxRows: 0,
    timeoutMs: 0,
  };
  const started = performance.now();
  return new Promise((resolve) => {
    client.execute(
      request,
      new Metadata(),
      deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs },
      (error: ServiceError | null) => resolve({ ms: performance.now() - started, code: error ? error.code : 0 }),
    );
  });
}

async function healthz(port: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
  return performance.now() - started;
}

interface Probe {
  at: number;
  selectMs: number | undefined;
  healthMs: number;
}

/** SELECT 1 and /healthz side by side, every 20 ms, for durationMs; each probe stamped with its start time. */
async function probe(proxy: Proxy, durationMs: number): Promise<Probe[]> {
  const probes: Probe[] = [];
  const until = performance.now() + durationMs;
  while (performance.now() < until) {
    const at = performance.now();
    const [call, healthMs] = await Promise.all([execute(proxy.client, "SELECT 1"), healthz(proxy.httpPort)]);
    if (call.code !== 0) console.log(`  probe failed with code ${call.code} after ${call.ms.toFixed(0)} ms`);
    probes.push({ at, selectMs: call.code === 0 ? call.ms : undefined, healthMs });
    await new Promise((r) => setTimeout(r, 20));
  }
  return probes;
}

const selects = (probes: Probe[]) => probes.flatMap((p) => (p.selectMs === undefined ? [] : [p.selectMs]));
const healths = (probes: Probe[]) => probes.map((p) => p.healthMs);
const failed = (probes: Probe[]) => probes.filter((p) => p.selectMs === undefined).length;

async function stop(proxy: Proxy): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }> {
  proxy.client.close();
  const started = performance.now();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proxy.child.once("close", (code, signal) => resolve({ code, signal })),
  );
  proxy.child.kill("SIGTERM");
  const timer = setTimeout(() => proxy.child.kill("SIGKILL"), 30_000);
  const result = await exited;
  clearTimeout(timer);
  return { ...result, ms: performance.now() - started };
}

async function scenario(dir: string, poolMax: number, abandoned: number): Promise<void> {
  console.log(`\nsqlite-abandoned: pool max ${poolMax}, ${abandoned} abandoned statement(s)`);
  const proxy = await startProxy(dir, poolMax);
  try {
    for (let i = 0; i < 20; i++) await execute(proxy.client, "SELECT 1"); // warm
    const baseline = await probe(proxy, 2000);
    console.log(`  baseline   SELECT 1: ${describe(selects(baseline))}; /healthz: ${describe(healths(baseline))}`);

    // Probes need a free connection: with every one taken by a slow statement they would measure pool waits.
    const probing = poolMax > abandoned;
    const slow = Array.from({ length: abandoned }, () => execute(proxy.client, ENDLESS_COUNT, DEADLINE_MS));
    const during = probing ? probe(proxy, 3000) : Promise.resolve([]);
    const answers = await Promise.all(slow);
    const answeredAt = performance.now();
    // Right after the deadline: with pool max 1 this is the connection whose worker was just given up on.
    const next = await execute(proxy.client, "SELECT 1");
    const probes = await during;
    // Before the deadline the statement is still wanted and runs at normal priority: reported, not judged.
    const running = probes.filter((p) => p.at < answeredAt);
    const abandonedPhase = probes.filter((p) => p.at >= answeredAt);
    console.log(
      `  abandoned calls answered ${answers.map((a) => `${a.ms.toFixed(0)} ms (code ${a.code})`).join(", ")}; next SELECT 1 ${next.ms.toFixed(1)} ms (code ${next.code})`,
    );
    const base = percentile(selects(baseline), 50);
    if (probing) {
      console.log(`  running    SELECT 1: ${describe(selects(running))}; /healthz: ${describe(healths(running))}`);
      console.log(
        `  abandoned  SELECT 1: ${describe(selects(abandonedPhase))}; /healthz: ${describe(healths(abandonedPhase))}`,
      );
      bar(
        "SELECT 1 delay while abandoned statements run, p99 - baseline p99",
        percentile(selects(abandonedPhase), 99) - percentile(selects(baseline), 99),
        DELAY_BAR_MS,
      );
      bar(
        "/healthz delay while abandoned statements run, p99 - baseline p99",
        percentile(healths(abandonedPhase), 99) - percentile(healths(baseline), 99),
        DELAY_BAR_MS,
      );
      console.log(
        `  (max - baseline max: SELECT 1 ${(Math.max(...selects(abandonedPhase)) - Math.max(...selects(baseline))).toFixed(1)} ms, /healthz ${(Math.max(...healths(abandonedPhase)) - Math.max(...healths(baseline))).toFixed(1)} ms)`,
      );
    } else {
      console.log("  (no probes while the only connection runs the slow statement)");
    }
    bar("next SELECT 1 after the deadline, minus baseline p50", next.ms - base, DELAY_BAR_MS);
    bar("failed probe calls", failed(probes) + (next.code === 0 ? 0 : 1), 0, "calls");
    bar("abandoned call answered past its deadline", Math.max(...answers.map((a) => a.ms)) - DEADLINE_MS, HUNG_BAR_MS);
    bar("abandoned calls not DEADLINE_EXCEEDED", answers.filter((a) => a.code !== 4).length, 0, "calls");
    const metrics = await (await fetch(`http://127.0.0.1:${proxy.httpPort}/metrics`)).text();
    const stillRunning = /^proxy_sqlite_abandoned_threads (\d+)/m.exec(metrics)?.[1];
    console.log(`  proxy_sqlite_abandoned_threads ${stillRunning} (still counting in their threads)`);
  } finally {
    const stopped = await stop(proxy);
    console.log(
      `  SIGTERM with abandoned statements still running: ended after ${stopped.ms.toFixed(0)} ms (${stopped.signal ?? `exit ${stopped.code}`})`,
    );
    bar("SIGTERM to process end (drain timeout 3000 ms)", stopped.ms, 3000 + HUNG_BAR_MS);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "igp-fault-sqlite-"));
  try {
    await scenario(dir, 4, 1);
    await scenario(dir, 4, 2);
    await scenario(dir, 1, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    failures.length === 0 ? "\nsqlite-abandoned: all bars met" : `\nsqlite-abandoned: FAILED ${failures.join("; ")}`,
  );
  process.exitCode = failures.length === 0 ? 0 : 1;
}

await main();
