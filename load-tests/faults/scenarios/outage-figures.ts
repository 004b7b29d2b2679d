// Figures shared by the scenarios where the database goes away (killed or frozen) under 16 callers.
import { loadavg } from "node:os";
import { atMost, type Figure, info, zero } from "../bars.js";
import { type CallRecord, countBy, percentile } from "../calls.js";

/** Calls the client saw end later than their deadline plus one second (the proxy hung them). */
export function hungCalls(records: CallRecord[], deadlineMs: number): number {
  return records.filter((r) => r.ms > deadlineMs + 1000).length;
}

/** The same calls as the proxy timed them (its RPC log line), free of the load generator's own delays. */
export function proxySideFailFast(logRecords: Array<Record<string, unknown>>): number[] {
  return logRecords
    .filter((r) => r.msg === "rpc" && r.reason === "CIRCUIT_OPEN" && typeof r.durationMs === "number")
    .map((r) => r.durationMs as number);
}

export function outageFigures(
  records: CallRecord[],
  deadlineMs: number,
  logRecords: Array<Record<string, unknown>>,
): Figure[] {
  const failFast = records.filter((r) => r.reason === "CIRCUIT_OPEN").map((r) => r.ms);
  const codes = countBy(records, (r) => r.code);
  // What an outage may honestly answer: success, unavailable (retriable), deadline, pool exhausted.
  const expected = ["OK", "UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"];
  const unexpected = records.filter((r) => !expected.includes(r.code)).length;
  return [
    info("calls", records.length),
    info(
      "codes",
      Object.entries(codes)
        .map(([code, n]) => `${code}:${n}`)
        .join(" "),
    ),
    zero("calls hung past deadline + 1 s", hungCalls(records, deadlineMs)),
    zero("calls with other codes (INTERNAL, UNKNOWN, ...)", unexpected),
    atMost("fail-fast latency p99 (breaker open)", percentile(failFast, 99), 50, "ms"),
    info("fail-fast calls (breaker open)", failFast.length),
    info("fail-fast latency max", Math.max(0, ...failFast), "ms"),
    info("fail-fast latency p99 as the proxy timed it", percentile(proxySideFailFast(logRecords), 99), "ms"),
    info("load average (1 min) at the end", loadavg()[0] ?? Number.NaN),
  ];
}
