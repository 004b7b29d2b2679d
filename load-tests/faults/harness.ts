// What every fault scenario stands on: the proxy as a real child process (app/dist/main.js serve) with a
// configuration of the scenario's own, its memory and file descriptors read from /proc, its pool books read
// from /metrics, PostgreSQL's own view from pg_stat_activity, and a PostgreSQL process tree that can be
// frozen (SIGSTOP on the postmaster and every backend, as a partition looks from the proxy) and resumed.
import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials } from "@grpc/grpc-js";
import pg from "pg";
import { freePort, type RunningPostgres } from "../../app/bench/driver-embedded-postgres.js";
import { SqlServiceClient } from "../../app/src/gen/informix/proxy/v1/sql_service.js";

const here = fileURLToPath(new URL(".", import.meta.url));
export const repoRoot = resolve(here, "..", "..");
export const APPLICATION_NAME = "igp-faults";

export interface FaultContext {
  postgres: RunningPostgres;
  workDir: string;
  smoke: boolean;
  log(message: string): void;
}

export interface ProxyProcess {
  readonly target: string;
  readonly httpBase: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** One client per HTTP/2 connection; closed by stop(). */
  client(): SqlServiceClient;
  /** True when the process ended without being asked to (a crash). */
  crashed(): boolean;
  rssBytes(): number;
  openFds(): number;
  books(database?: string): Promise<{ active: number; idle: number; pending: number }>;
  circuitState(database?: string): Promise<number | undefined>;
  /** The proxy's JSON log lines so far (warn and above: failed calls, transitions). */
  logRecords(): Array<Record<string, unknown>>;
  /** SIGTERM, then waits for the exit (SIGKILL after killAfterMs). */
  stop(killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Database settings a scenario may change; the rest are the suite's. */
export interface ProxyShape {
  name: string;
  pool?: Record<string, unknown>;
  circuitBreaker?: Record<string, unknown>;
  sessions?: Record<string, unknown>;
  server?: Record<string, unknown>;
  limits?: Record<string, unknown>;
}

export async function startProxyProcess(ctx: FaultContext, shape: ProxyShape): Promise<ProxyProcess> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const { info } = ctx.postgres;
  const config = {
    server: { host: "127.0.0.1", grpcPort, httpPort, readinessIntervalMs: 250, ...shape.server },
    logging: { level: "warn" },
    audit: { enabled: false },
    sessions: shape.sessions ?? {},
    limits: shape.limits ?? {},
    databases: {
      main: {
        driver: "postgres",
        default: true,
        host: info.host,
        port: info.port,
        database: info.database,
        user: info.user,
        password: { env: "FAULTS_PG_PASSWORD" },
        applicationName: APPLICATION_NAME,
        pool: { max: 10, acquireTimeoutMs: 1000, ...shape.pool },
        circuitBreaker: { halfOpenAfterMs: 1000, ...shape.circuitBreaker },
      },
    },
  };
  // JSON is YAML: the proxy reads it as its configuration file.
  const file = join(ctx.workDir, `${shape.name}.yaml`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  const logFile = join(ctx.workDir, `${shape.name}.log`);
  const logFd = openSync(logFile, "a");
  const child = spawn(process.execPath, [join(repoRoot, "app", "dist", "main.js"), "serve", "--config", file], {
    cwd: repoRoot,
    env: { ...process.env, FAULTS_PG_PASSWORD: info.password },
    stdio: ["ignore", logFd, logFd],
  });
  let stopping = false;
  const clients: SqlServiceClient[] = [];
  const httpBase = `http://127.0.0.1:${httpPort}`;
  await waitForReady(`${httpBase}/readyz`, child, 60_000);
  const pid = child.pid as number;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  const metricValue = async (pattern: RegExp): Promise<number | undefined> => {
    const text = await (await fetch(`${httpBase}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const match = pattern.exec(text);
    return match ? Number(match[1]) : undefined;
  };
  return {
    target: `127.0.0.1:${grpcPort}`,
    httpBase,
    pid,
    child,
    client() {
      const c = new SqlServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure(), {
        "grpc.use_local_subchannel_pool": 1,
      });
      clients.push(c);
      return c;
    },
    crashed: () => !stopping && child.exitCode !== null,
    logRecords: () =>
      readFileSync(logFile, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    rssBytes: () => rssOf(pid),
    openFds: () => fdsOf(pid),
    async books(database = "main") {
      const read = (state: string) =>
        metricValue(new RegExp(`db_pool_connections\\{database="${database}",state="${state}"\\} (\\d+)`));
      const [active, idle, pending] = await Promise.all([read("active"), read("idle"), read("pending")]);
      return { active: active ?? 0, idle: idle ?? 0, pending: pending ?? 0 };
    },
    circuitState: (database = "main") =>
      metricValue(new RegExp(`proxy_circuit_state\\{database="${database}"\\} (\\d)`)),
    async stop(killAfterMs = 30_000) {
      stopping = true;
      const started = performance.now();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      const result = await exited;
      clearTimeout(timer);
      // Clients close after the exit, so calls still in flight during a drain are not cancelled by us.
      for (const c of clients.splice(0)) c.close();
      return { ...result, ms: Math.round(performance.now() - started) };
    },
  };
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the proxy exited (${child.exitCode}) before ${url} answered`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function fdsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** The process and all its descendants, parents first (from /proc/<pid>/stat's ppid field). */
export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Freezes PostgreSQL whole (postmaster and backends); the returned function resumes exactly those. */
export function freezePostgres(postgres: RunningPostgres): () => void {
  const pid = postgres.pid();
  if (pid === undefined) throw new Error("PostgreSQL is not running");
  const tree = processTree(pid);
  for (const p of tree) signalQuietly(p, "SIGSTOP");
  return () => {
    for (const p of [...tree].reverse()) signalQuietly(p, "SIGCONT");
  };
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Connections PostgreSQL holds for the proxy (its application_name), by state. */
export async function serverConnections(postgres: RunningPostgres): Promise<{ total: number; idleInTx: number }> {
  const admin = new pg.Client({ ...postgres.info, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    const result = await admin.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS idle_in_tx
       FROM pg_stat_activity WHERE application_name = $1`,
      [APPLICATION_NAME],
    );
    const row = result.rows[0] as { total: number; idle_in_tx: number };
    return { total: row.total, idleInTx: row.idle_in_tx };
  } finally {
    await admin.end();
  }
}

/** Runs SQL as the superuser (fixtures). */
export async function adminQuery(
  postgres: RunningPostgres,
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult> {
  const admin = new pg.Client(postgres.info);
  await admin.connect();
  try {
    return await admin.query(sql, params);
  } finally {
    await admin.end();
  }
}

/**
 * After the load has stopped: waits (bounded) for the pool's books and pg_stat_activity to meet, then returns
 * stuck (lent with no one calling) and leaked (open in PostgreSQL, unknown to the pool) connections.
 */
export async function booksAgainstServer(
  proxy: ProxyProcess,
  postgres: RunningPostgres,
  boundMs = 15_000,
): Promise<{ stuck: number; leaked: number; books: number; server: number }> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const books = await proxy.books();
    const server = await serverConnections(postgres);
    const inBooks = books.active + books.idle;
    const settled = books.active === 0 && server.total === inBooks;
    if (settled || Date.now() > deadline) {
      // Stuck: lent with no one calling, or on the books with no server connection behind it (the old lock-up).
      const stuck = books.active + Math.max(0, inBooks - server.total);
      return { stuck, leaked: Math.max(0, server.total - inBooks), books: inBooks, server: server.total };
    }
    await sleep(200);
  }
}
