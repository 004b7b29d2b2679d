// PostgreSQL frozen whole (SIGSTOP on the postmaster and every backend, what a partition looks like from
// the proxy) for 8 s under 16 callers, then resumed. Before the breaker, every call waited its full deadline.
import { atMost, info, type ScenarioReport, zero } from "../bars.js";
import { callers, pointQuery } from "../calls.js";
import { booksAgainstServer, type FaultContext, freezePostgres, sleep, startProxyProcess } from "../harness.js";
import { firstSuccessAfter } from "./db-kill.js";
import { outageFigures } from "./outage-figures.js";

const DEADLINE_MS = 2000;
const FREEZE_MS = 8000;

export async function dbFreeze(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  const proxy = await startProxyProcess(ctx, { name: "db-freeze" });
  const clients = Array.from({ length: 4 }, () => proxy.client());
  const load = callers(16, (caller, i) =>
    pointQuery(clients[caller % clients.length] as never, ((caller * 7919 + i) % 1000) + 1, DEADLINE_MS),
  );
  let recovery = Number.NaN;
  let openAfter = Number.NaN;
  let notReadyAfter = Number.NaN;
  try {
    await sleep(1000);
    const frozenAt = performance.now();
    const resume = freezePostgres(ctx.postgres);
    try {
      while (performance.now() - frozenAt < FREEZE_MS) {
        if (Number.isNaN(notReadyAfter)) {
          const ready = await fetch(`${proxy.httpBase}/readyz/main`, { signal: AbortSignal.timeout(1000) }).catch(
            () => undefined,
          );
          if (ready && ready.status === 503) notReadyAfter = performance.now() - frozenAt;
        }
        if (Number.isNaN(openAfter)) {
          const first = load.records.find((r) => r.reason === "CIRCUIT_OPEN" && r.start >= frozenAt);
          if (first) openAfter = first.start - frozenAt;
        }
        await sleep(100);
      }
    } finally {
      resume();
    }
    recovery = await firstSuccessAfter(load.records, performance.now(), 15_000);
    await sleep(500);
  } finally {
    await load.stop();
  }
  const books = await booksAgainstServer(proxy, ctx.postgres);
  const crashed = proxy.crashed();
  const logRecords = proxy.logRecords();
  await proxy.stop();
  return {
    scenario: `db-freeze: SIGSTOP ${FREEZE_MS / 1000} s and SIGCONT under 16 callers`,
    figures: [
      zero("proxy crashes", crashed ? 1 : 0),
      ...outageFigures(load.records, DEADLINE_MS, logRecords),
      info("breaker open after the freeze began", openAfter, "ms"),
      info("/readyz/main 503 after the freeze began", notReadyAfter, "ms"),
      atMost("success again after resume", recovery, 5000, "ms"),
      zero("stuck connections after", books.stuck),
      zero("leaked connections after", books.leaked),
    ],
    notes: [`books ${books.books} = pg_stat_activity ${books.server}`],
    seconds: (performance.now() - started) / 1000,
  };
}
