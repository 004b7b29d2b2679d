// Figures shared by the scenarios where the database goes away (killed or frozen) under 16 callers.
import { atMost, type Figure, info, zero } from "../bars.js";
import { type CallRecord, countBy, percentile } from "../calls.js";

/** Calls the client saw end later than their deadline plus one second (the proxy hung them). */
export function hungCalls(records: CallRecord[], deadlineMs: number): number {
  return records.filter((r) => r.ms > deadlineMs + 1000).length;
}

export function outageFigures(records: CallRecord[], deadlineMs: number): Figure[] {
  const failFast = records.filter((r) => r.reason === "CIRCUIT_OPEN").map((r) => r.ms);
  const codes = countBy(records, (r) => r.code);
  const unexpected = records.filter((r) => !["OK", "UNAVAILABLE", "DEADLINE_EXCEEDED"].includes(r.code)).length;
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
  ];
}
