// Prometheus metrics of abandoned SQLite statements (abandoned-threads.ts), collected on scrape.
import { Counter, Gauge, type Registry } from "prom-client";
import { abandonedThreads } from "./abandoned-threads.js";

export function registerSqliteThreadMetrics(registry: Registry): void {
  new Gauge({
    name: "proxy_sqlite_abandoned_threads",
    help: "SQLite worker threads given up on at a deadline whose statement still runs (node:sqlite cannot interrupt a step).",
    registers: [registry],
    collect() {
      this.set(abandonedThreads.count());
    },
  });
  new Counter({
    name: "proxy_sqlite_abandoned_statements_total",
    help: "SQLite statements given up on at their deadline, timeout or cancel (their worker thread terminated).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(abandonedThreads.total);
    },
  });
}
