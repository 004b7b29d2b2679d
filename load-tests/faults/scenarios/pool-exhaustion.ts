// Every pool connection held by a session, 32 callers want one: they get RESOURCE_EXHAUSTED with RetryInfo
// after the acquire timeout, nothing hangs, the breaker stays closed (load is not an outage), and calls
// succeed again as soon as the sessions let go.
import { atMost, info, type ScenarioReport, zero } from "../bars.js";
import { callers, countBy, execute, percentile } from "../calls.js";
import { closeSession, openSession } from "../calls-sessions.js";
import { booksAgainstServer, type FaultContext, sleep, startProxyProcess } from "../harness.js";
import { firstSuccessAfter } from "./db-kill.js";
import { hungCalls } from "./outage-figures.js";

const DEADLINE_MS = 3000;
const ACQUIRE_TIMEOUT_MS = 500;

export async function poolExhaustion(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  const proxy = await startProxyProcess(ctx, {
    name: "pool-exhaustion",
    pool: { max: 4, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS },
  });
  const holder = proxy.client();
  const sessions: string[] = [];
  for (let i = 0; i < 4; i++) {
    const opened = await openSession(holder, 5000);
    if (opened.response) sessions.push(opened.response.sessionId);
  }
  const clients = Array.from({ length: 4 }, () => proxy.client());
  const load = callers(32, (caller) => execute(clients[caller % 4] as never, { sql: "SELECT 1" }, DEADLINE_MS));
  await sleep(ctx.smoke ? 2500 : 6000);
  const circuitDuring = await proxy.circuitState();
  const exhausted = [...load.records];
  const releasedAt = performance.now();
  for (const id of sessions) await closeSession(holder, id, 5000);
  const recovery = await firstSuccessAfter(load.records, releasedAt, 10_000);
  await sleep(300);
  await load.stop();
  const books = await booksAgainstServer(proxy, ctx.postgres);
  const crashed = proxy.crashed();
  await proxy.stop();
  const refused = exhausted.filter((r) => r.code === "RESOURCE_EXHAUSTED");
  return {
    scenario: "pool-exhaustion: 4 connections held by sessions, 32 callers",
    figures: [
      zero("proxy crashes", crashed ? 1 : 0),
      info(
        "calls while exhausted",
        Object.entries(countBy(exhausted, (r) => r.code))
          .map(([c, n]) => `${c}:${n}`)
          .join(" "),
      ),
      zero("calls hung past deadline + 1 s", hungCalls(load.records, DEADLINE_MS)),
      zero(
        "calls with other codes than RESOURCE_EXHAUSTED while exhausted",
        exhausted.length - refused.length - exhausted.filter((r) => r.code === "OK").length,
      ),
      zero("RESOURCE_EXHAUSTED without RetryInfo", refused.filter((r) => r.retryMs === undefined).length),
      info(
        `RESOURCE_EXHAUSTED latency p50 (acquire timeout ${ACQUIRE_TIMEOUT_MS} ms)`,
        percentile(
          refused.map((r) => r.ms),
          50,
        ),
        "ms",
      ),
      zero("breaker state during exhaustion (0 = closed)", circuitDuring ?? -1),
      atMost("success again after the sessions closed", recovery, 1000, "ms"),
      zero("stuck connections after", books.stuck),
      zero("leaked connections after", books.leaked),
    ],
    notes: [],
    seconds: (performance.now() - started) / 1000,
  };
}
