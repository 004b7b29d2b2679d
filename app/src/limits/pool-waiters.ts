// A cap on calls queued for a pooled connection. Past it, waiting would only turn into an acquire timeout
// later, after holding the caller and its memory; refusing at once with RESOURCE_EXHAUSTED and RetryInfo
// keeps the queue short. The pool itself stays untouched: every other member passes through.
import type { Pool } from "../db/pool-types.js";
import { poolQueueFull } from "./limit-errors.js";

export function withWaiterCap<T extends Pool>(
  pool: T,
  maxWaiters: number,
  retryAfterMs: number,
  onRefused: () => void,
): T {
  if (maxWaiters <= 0) return pool;
  const acquire: Pool["acquire"] = (holder, signal) => {
    const { pending } = pool.stats();
    if (pending >= maxWaiters) {
      onRefused();
      return Promise.reject(poolQueueFull(pool.database, pending, retryAfterMs));
    }
    return pool.acquire(holder, signal);
  };
  return new Proxy(pool, {
    get(target, property) {
      if (property === "acquire") return acquire;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
