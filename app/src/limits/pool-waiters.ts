// A cap on callers queued for a pooled connection. Past it, waiting would only turn into an acquire timeout
// later, after holding the caller and its memory; refusing at once with RESOURCE_EXHAUSTED and RetryInfo keeps the
// queue short. Only callers count: the proxy's own acquires (readiness checks name no caller) are never refused.
// The pool itself stays untouched: every other member passes through.
import type { Pool } from "../db/pool-types.js";
import { poolQueueFull } from "./limit-errors.js";

export function withWaiterCap<T extends Pool>(
  pool: T,
  maxWaiters: number,
  retryAfterMs: number,
  onRefused: () => void,
): T {
  if (maxWaiters <= 0) return pool;
  let waiting = 0;
  // The options (a breaker probe's validate, a health check's ifAvailable) pass through untouched.
  const acquire: Pool["acquire"] = async (holder, signal, options) => {
    if (holder.caller === undefined) return pool.acquire(holder, signal, options);
    if (waiting >= maxWaiters && pool.stats().idle === 0) {
      onRefused();
      throw poolQueueFull(pool.database, waiting, retryAfterMs);
    }
    waiting += 1;
    try {
      return await pool.acquire(holder, signal, options);
    } finally {
      waiting -= 1;
    }
  };
  return new Proxy(pool, {
    get(target, property) {
      if (property === "acquire") return acquire;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
