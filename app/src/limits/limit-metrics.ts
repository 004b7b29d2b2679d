// Metrics of admission control: refusals by limit (never by caller: identities are unbounded label values),
// whether the proxy is shedding, and the event-loop delay it judges by.
import { Counter, Gauge, type Registry } from "prom-client";
import type { LimitName } from "./limit-errors.js";

export interface LimitMetrics {
  refused(limit: LimitName): void;
  /** A limit check that could not reach Redis and used this replica's own limits. */
  storeFallback(): void;
}

export function createLimitMetrics(
  registry: Registry,
  overload: { shedding(): boolean; meanDelayMs(): number },
  storeUp: () => boolean,
): LimitMetrics {
  const refusals = new Counter({
    name: "proxy_limit_refusals_total",
    help: "Calls refused by admission control, by limit (identity_rate, class_rate, in_flight, pool_waiters, overload).",
    labelNames: ["limit"],
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: "proxy_limit_store_fallbacks_total",
    help: "Limit checks that could not reach Redis in time and used this replica's in-memory limits.",
    registers: [registry],
  });
  new Gauge({
    name: "proxy_overload_shedding",
    help: "1 while new calls are shed because the event loop lags, else 0.",
    registers: [registry],
    collect() {
      this.set(overload.shedding() ? 1 : 0);
    },
  });
  new Gauge({
    name: "proxy_event_loop_delay_seconds",
    help: "Mean event-loop delay over the last window, as load shedding judges it.",
    registers: [registry],
    collect() {
      this.set(overload.meanDelayMs() / 1000);
    },
  });
  new Gauge({
    name: "proxy_limit_store_up",
    help: "1 while the limits store answers (Redis connected, or the in-memory store), else 0.",
    registers: [registry],
    collect() {
      this.set(storeUp() ? 1 : 0);
    },
  });
  return {
    refused: (limit) => refusals.inc({ limit }),
    storeFallback: () => fallbacks.inc(),
  };
}
