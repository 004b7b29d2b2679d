// SIGTERM to the proxy under load, with open transactions in sessions and long statements in flight: every
// call already in flight completes (drain), the open transactions are rolled back, the process exits 0
// within the drain timeout and leaves no connection in PostgreSQL.
import { atMost, info, type ScenarioReport, zero } from "../bars.js";
import { callers, countBy, execute, pointQuery } from "../calls.js";
import { begin, openSession } from "../calls-sessions.js";
import { adminQuery, type FaultContext, serverConnections, sleep, startProxyProcess } from "../harness.js";

const DRAIN_MS = 10_000;
/** A call that started this long before the signal was sent had surely reached the proxy. */
const IN_FLIGHT_MARGIN_MS = 50;

export async function sigtermDrain(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  // 8 connections go to the sessions; the callers and the long statements need their own.
  const proxy = await startProxyProcess(ctx, {
    name: "sigterm-drain",
    server: { drainTimeoutMs: DRAIN_MS },
    pool: { max: 32, acquireTimeoutMs: 5000 },
  });
  const clients = Array.from({ length: 4 }, () => proxy.client());
  // Eight sessions, each in the middle of a transaction that wrote a row and was never committed.
  const sessionClient = proxy.client();
  const openTransactions: string[] = [];
  for (let i = 0; i < 8; i++) {
    const opened = await openSession(sessionClient, 5000);
    const id = opened.response?.sessionId;
    if (!id) throw new Error(`OpenSession failed: ${opened.code}`);
    await begin(sessionClient, id, 5000);
    const write = await execute(
      sessionClient,
      {
        sessionId: id,
        sql: "INSERT INTO fault_writes (session, note) VALUES (?, 'uncommitted at SIGTERM')",
        params: [{ kind: { $case: "int64Value", value: BigInt(i) } }],
      },
      5000,
    );
    if (write.code !== "OK") throw new Error(`insert in session failed: ${write.code}`);
    openTransactions.push(id);
  }
  const load = callers(16, (caller, i) =>
    pointQuery(clients[caller % clients.length] as never, ((caller * 31 + i) % 1000) + 1, 15_000),
  );
  await sleep(1000);
  // Long statements that are surely in flight when the signal arrives.
  const long = Array.from({ length: 4 }, (_, i) =>
    execute(clients[i] as never, { sql: "SELECT pg_sleep(1.5)" }, 15_000),
  );
  await sleep(300);
  const signalledAt = performance.now();
  const exit = await proxy.stop(DRAIN_MS + 10_000);
  await load.stop();
  const longDone = await Promise.all(long);
  const records = [...load.records, ...longDone];
  // In flight at the signal: started before it, still running when it came (a call shed or refused earlier,
  // e.g. by overload shedding on a busy machine, had ended before and is no failure of the drain).
  const inFlight = records.filter((r) => r.start < signalledAt - IN_FLIGHT_MARGIN_MS && r.start + r.ms >= signalledAt);
  const later = records.filter((r) => r.start >= signalledAt - IN_FLIGHT_MARGIN_MS);
  const endedBefore = records.filter((r) => r.start + r.ms < signalledAt);
  const committed = await adminQuery(
    ctx.postgres,
    "SELECT count(*)::int AS n FROM fault_writes WHERE note = 'uncommitted at SIGTERM'",
  );
  const left = await serverConnections(ctx.postgres);
  return {
    scenario: "sigterm-drain: SIGTERM under 16 callers, 4 long statements and 8 open transactions",
    figures: [
      zero("in-flight calls failed", inFlight.filter((r) => r.code !== "OK").length),
      info(
        "in-flight failures by code",
        Object.entries(
          countBy(
            inFlight.filter((r) => r.code !== "OK"),
            (r) => `${r.code}/${r.reason ?? "-"}`,
          ),
        )
          .map(([c, n]) => `${c}:${n}`)
          .join(" ") || "none",
      ),
      info("in-flight calls completed", inFlight.filter((r) => r.code === "OK").length),
      zero("long in-flight statements failed", longDone.filter((r) => r.code !== "OK").length),
      info(
        "calls that ended before the signal, by code",
        Object.entries(countBy(endedBefore, (r) => `${r.code}${r.reason ? `/${r.reason}` : ""}`))
          .map(([c, n]) => `${c}:${n}`)
          .join(" "),
      ),
      info(
        "calls after the signal",
        Object.entries(countBy(later, (r) => r.code))
          .map(([c, n]) => `${c}:${n}`)
          .join(" ") || "none",
      ),
      zero("exit code", exit.code ?? -1),
      atMost("time to exit", exit.ms, DRAIN_MS, "ms"),
      zero("rows of open transactions committed", (committed.rows[0] as { n: number }).n),
      zero("connections left in PostgreSQL", left.total),
    ],
    notes: [`${openTransactions.length} sessions held an open transaction at the signal`],
    seconds: (performance.now() - started) / 1000,
  };
}
