// The fault suite (issue 10): the real proxy process against a real PostgreSQL, both on loopback, through
// the faults a production gateway meets. Each scenario prints its figures beside its bar; the run exits 1
// when a bar fails (bars marked "expected" name the branch that will meet them and do not fail the run).
// Everything is bounded: each scenario has a time budget and the whole run a watchdog.
//
//   load-tests/faults/run.sh [--smoke] [--only=db-kill,db-freeze] [--max-minutes=N]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type RunningPostgres, startEmbeddedPostgres } from "../../app/bench/driver-embedded-postgres.js";
import { failed, formatReport, type ScenarioReport } from "./bars.js";
import { adminQuery, type FaultContext } from "./harness.js";
import { dbFreeze } from "./scenarios/db-freeze.js";
import { dbKill } from "./scenarios/db-kill.js";
import { malformedRequests } from "./scenarios/malformed-requests.js";
import { openSessionFlood } from "./scenarios/open-session-flood.js";
import { poolExhaustion } from "./scenarios/pool-exhaustion.js";
import { sigtermDrain } from "./scenarios/sigterm-drain.js";
import { silentSockets } from "./scenarios/silent-sockets.js";
import { slowConsumer } from "./scenarios/slow-consumer.js";
import { sqliteAbandoned } from "./sqlite-abandoned.js";

const SCENARIOS: Record<string, (ctx: FaultContext) => Promise<ScenarioReport>> = {
  "db-kill": dbKill,
  "db-freeze": dbFreeze,
  "sigterm-drain": sigtermDrain,
  "pool-exhaustion": poolExhaustion,
  "open-session-flood": openSessionFlood,
  "slow-consumer": slowConsumer,
  "malformed-requests": malformedRequests,
  "silent-sockets": silentSockets,
  "sqlite-abandoned": sqliteAbandoned,
};

const { values: opts } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    only: { type: "string" },
    "max-minutes": { type: "string" },
  },
});
const smoke = opts.smoke === true;
const selected = opts.only ? opts.only.split(",").map((s) => s.trim()) : Object.keys(SCENARIOS);
for (const name of selected) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}`);
const maxMinutes = Number(opts["max-minutes"] ?? (smoke ? 5 : 30));

let postgres: RunningPostgres | undefined;
let workDir: string | undefined;
let tearingDown: Promise<void> | undefined;

function log(message: string): void {
  console.error(`[faults] ${message}`);
}

function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    await postgres?.stop().catch((error: Error) => log(`stopping PostgreSQL: ${error.message}`));
    if (workDir && process.env.FAULTS_KEEP !== "1") rmSync(workDir, { recursive: true, force: true });
  })();
  return tearingDown;
}

const watchdog = setTimeout(() => {
  log(`stopped by the watchdog after ${maxMinutes} minutes`);
  void teardown().finally(() => process.exit(1));
}, maxMinutes * 60_000);
watchdog.unref();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (tearingDown) return;
    log(`${signal}: stopping`);
    void teardown().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const runStarted = performance.now();
  workDir = mkdtempSync(join(tmpdir(), "igp-faults-"));
  log(`${smoke ? "smoke" : "full"} run: ${selected.join(", ")} (logs in ${workDir}, FAULTS_KEEP=1 keeps them)`);
  postgres = await startEmbeddedPostgres({ settings: { max_connections: "300" } });
  await adminQuery(
    postgres,
    `CREATE TABLE fault_items AS SELECT i::bigint AS id, 'item ' || i AS name FROM generate_series(1, 1000) i;
     ALTER TABLE fault_items ADD PRIMARY KEY (id);
     CREATE TABLE fault_writes (id bigserial PRIMARY KEY, session int NOT NULL, note text NOT NULL)`,
  );
  const ctx: FaultContext = { postgres, workDir, smoke, log };
  const reports: ScenarioReport[] = [];
  for (const name of selected) {
    log(`scenario ${name}`);
    const started = performance.now();
    try {
      const report = await (SCENARIOS[name] as (ctx: FaultContext) => Promise<ScenarioReport>)(ctx);
      reports.push(report);
      console.log(formatReport(report));
    } catch (error) {
      const report: ScenarioReport = {
        scenario: name,
        figures: [{ name: "scenario ran to its end", value: "no", bar: "yes", pass: false }],
        notes: [(error as Error).stack ?? String(error)],
        seconds: (performance.now() - started) / 1000,
      };
      reports.push(report);
      console.log(formatReport(report));
    }
  }
  const failures = reports.flatMap((r) => failed(r).map((f) => `${r.scenario}: ${f.name} = ${f.value} (bar ${f.bar})`));
  const expected = reports.flatMap((r) =>
    r.figures.filter((f) => f.pass === false && f.expectedToFail).map((f) => `${r.scenario}: ${f.name}`),
  );
  console.log(`\n${reports.length} scenarios in ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  for (const line of expected) console.log(`  expected to fail until its owner lands: ${line}`);
  if (failures.length === 0) {
    console.log("every bar passed");
    return 0;
  }
  console.log(`${failures.length} bar(s) failed:`);
  for (const line of failures) console.log(`  ${line}`);
  return 1;
}

const code = await main().catch((error: unknown) => {
  log((error as Error).stack ?? String(error));
  return 1;
});
await teardown();
process.exit(code);
