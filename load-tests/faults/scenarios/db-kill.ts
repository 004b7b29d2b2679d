// PostgreSQL killed with SIGKILL mid-load and started again on the same port and data, many times in a row,
// under 16 callers running point queries through the proxy: no call hangs, calls fail fast once the breaker
// is open, success returns within 5 s of the database, and afterwards the pool's books equal
// pg_stat_activity (the lock-up of issue 10 left every pool connection "active" forever).
import { atMost, type ScenarioReport, zero } from "../bars.js";
import { callers, pointQuery } from "../calls.js";
import { booksAgainstServer, type FaultContext, sleep, startProxyProcess } from "../harness.js";
import { outageFigures } from "./outage-figures.js";

const DEADLINE_MS = 2000;

export async function dbKill(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  const cycles = ctx.smoke ? 3 : 10;
  const proxy = await startProxyProcess(ctx, { name: "db-kill" });
  const clients = Array.from({ length: 4 }, () => proxy.client());
  const load = callers(16, (caller, i) =>
    pointQuery(clients[caller % clients.length] as never, ((caller * 7919 + i) % 1000) + 1, DEADLINE_MS),
  );
  const recoveries: number[] = [];
  try {
    await sleep(1000);
    for (let cycle = 0; cycle < cycles; cycle++) {
      ctx.postgres.kill("SIGKILL");
      await sleep(ctx.smoke ? 1500 : 3000);
      await ctx.postgres.restart();
      const back = performance.now();
      recoveries.push(await firstSuccessAfter(load.records, back, 15_000));
      await sleep(500);
    }
  } finally {
    await load.stop();
  }
  const books = await booksAgainstServer(proxy, ctx.postgres);
  const crashed = proxy.crashed();
  const logRecords = proxy.logRecords();
  await proxy.stop();
  return {
    scenario: `db-kill: SIGKILL + restart x${cycles} under 16 callers`,
    figures: [
      zero("proxy crashes", crashed ? 1 : 0),
      ...outageFigures(load.records, DEADLINE_MS, logRecords),
      atMost("success again after the database returned (max)", Math.max(...recoveries), 5000, "ms"),
      zero("stuck connections after", books.stuck),
      zero("leaked connections after", books.leaked),
    ],
    notes: [
      `recovery per cycle (ms): ${recoveries.map((r) => Math.round(r)).join(", ")}`,
      `books ${books.books} = pg_stat_activity ${books.server}`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

/** Milliseconds from `since` to the start of the first call after it that succeeded... its end, to be exact. */
export async function firstSuccessAfter(
  records: Array<{ start: number; ms: number; code: string }>,
  since: number,
  boundMs: number,
): Promise<number> {
  const deadline = since + boundMs;
  for (;;) {
    const ok = records.find((r) => r.code === "OK" && r.start >= since);
    if (ok) return ok.start + ok.ms - since;
    if (performance.now() > deadline) return Number.POSITIVE_INFINITY;
    await sleep(20);
  }
}
