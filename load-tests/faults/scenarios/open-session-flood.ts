// 1,000 concurrent OpenSession against the limits (sessions.maxTotal 50, pool 20): at most the limit opens,
// every other call gets RESOURCE_EXHAUSTED promptly, nothing crashes or hangs, and once closed nothing is left.
import { atMost, info, type ScenarioReport, zero } from "../bars.js";
import { countBy } from "../calls.js";
import { closeSession, openSession } from "../calls-sessions.js";
import { booksAgainstServer, type FaultContext, startProxyProcess } from "../harness.js";
import { hungCalls } from "./outage-figures.js";

const DEADLINE_MS = 5000;
const FLOOD = 1000;
const POOL = 20;

export async function openSessionFlood(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  const proxy = await startProxyProcess(ctx, {
    name: "open-session-flood",
    pool: { max: POOL, acquireTimeoutMs: 3000 },
    sessions: { maxTotal: 50, maxPerCaller: FLOOD },
  });
  const clients = Array.from({ length: 10 }, () => proxy.client());
  const rssBefore = proxy.rssBytes();
  const results = await Promise.all(
    Array.from({ length: FLOOD }, (_, i) => openSession(clients[i % clients.length] as never, DEADLINE_MS)),
  );
  const rssPeak = proxy.rssBytes();
  const opened = results.map((r, i) => ({ r, i })).filter(({ r }) => r.code === "OK");
  // A session belongs to the caller that opened it (here: its connection's address): close it from there.
  const closes = await Promise.all(
    opened.map(({ r, i }) => closeSession(clients[i % clients.length] as never, r.response?.sessionId ?? "", 5000)),
  );
  const sessionsLeft = await sessionGauge(proxy.httpBase);
  const books = await booksAgainstServer(proxy, ctx.postgres);
  const crashed = proxy.crashed();
  await proxy.stop();
  const other = results.filter((r) => r.code !== "OK" && r.code !== "RESOURCE_EXHAUSTED").length;
  return {
    scenario: `open-session-flood: ${FLOOD} concurrent OpenSession (limit 50 sessions, pool ${POOL})`,
    figures: [
      zero("proxy crashes", crashed ? 1 : 0),
      info(
        "outcomes",
        Object.entries(countBy(results, (r) => `${r.code}${r.reason ? `/${r.reason}` : ""}`))
          .map(([c, n]) => `${c}:${n}`)
          .join(" "),
      ),
      atMost("sessions opened", opened.length, POOL),
      zero("calls with other codes than OK and RESOURCE_EXHAUSTED", other),
      zero("calls hung past deadline + 1 s", hungCalls(results, DEADLINE_MS)),
      zero("CloseSession failures", closes.filter((r) => r.code !== "OK").length),
      zero("sessions left open", sessionsLeft ?? -1),
      zero("stuck connections after", books.stuck),
      zero("leaked connections after", books.leaked),
      info("proxy RSS growth during the flood", (rssPeak - rssBefore) / 2 ** 20, "MiB"),
    ],
    notes: [],
    seconds: (performance.now() - started) / 1000,
  };
}

async function sessionGauge(httpBase: string): Promise<number | undefined> {
  const text = await (await fetch(`${httpBase}/metrics`)).text();
  const match = /^proxy_sessions_active (\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
