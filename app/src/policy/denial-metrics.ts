// Counts the guard's refusals by database and reason (both bounded sets), on the proxy's registry, so a
// dashboard can tell a misconfigured role from an attack without reading logs.
import { Counter } from "prom-client";
import type { Metrics } from "../observability/metrics.js";

export interface DenialCounter {
  denied(database: string, reason: string): void;
}

export const NO_DENIAL_COUNTER: DenialCounter = { denied: () => undefined };

export function denialCounter(metrics: Metrics): DenialCounter {
  const counter = new Counter({
    name: "proxy_statements_denied_total",
    help: "Statements and sessions refused by the query policy, roles or the allow-list.",
    labelNames: ["database", "reason"],
    registers: [metrics.registry],
  });
  return { denied: (database, reason) => counter.inc({ database, reason }) };
}
