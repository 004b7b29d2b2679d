// Where limit counters live: in this process (RateLimiterMemory), or in Redis for a fleet of replicas
// (RateLimiterRedis), both from rate-limiter-flexible. A Redis that is down or slower than commandTimeoutMs never
// blocks or fails a call: the check falls back to this replica's own in-memory counters (rate-limiter-flexible's
// insurance limiter) and the fallback is counted.
import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from "rate-limiter-flexible";

export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface Limiter {
  /** Takes points (1 by default); refused once the window's points are used up. */
  take(key: string, points?: number): Promise<Verdict>;
  /** Gives points back (an in-flight call that ended). */
  giveBack(key: string, points?: number): Promise<void>;
}

export interface LimiterSpec {
  /** Distinguishes the counters of different limits that share a store. */
  name: string;
  points: number;
  /** Window length; 0 = points never come back by themselves (in-flight counting). */
  durationSeconds: number;
}

export interface LimiterStore {
  readonly kind: "memory" | "redis";
  limiter(spec: LimiterSpec): Limiter;
}

async function verdict(work: Promise<unknown>): Promise<Verdict> {
  try {
    await work;
    return { allowed: true };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, retryAfterMs: error.msBeforeNext };
    // Only a store error without insurance gets here: a limit that cannot be checked does not refuse calls.
    return { allowed: true };
  }
}

function wrap(limiter: RateLimiterAbstract): Limiter {
  return {
    take: (key, points = 1) => verdict(limiter.consume(key, points)),
    giveBack: async (key, points = 1) => {
      await limiter.reward(key, points).catch(() => undefined);
    },
  };
}

export function memoryStore(): LimiterStore {
  return {
    kind: "memory",
    limiter: (spec) =>
      wrap(new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: spec.durationSeconds })),
  };
}

export interface RedisStoreOptions {
  client: Redis;
  keyPrefix: string;
  commandTimeoutMs: number;
  /** In Redis nothing may live forever (a replica that died would hold its counts): durations of 0 become this. */
  maxDurationSeconds: number;
  onFallback(): void;
}

export function redisStore(options: RedisStoreOptions): LimiterStore {
  return {
    kind: "redis",
    limiter: (spec) => {
      const duration = spec.durationSeconds > 0 ? spec.durationSeconds : options.maxDurationSeconds;
      // The replica's own counters while Redis cannot answer; every use of them is counted.
      const insurance = new CountingMemoryLimiter(
        { keyPrefix: `${options.keyPrefix}${spec.name}`, points: spec.points, duration: spec.durationSeconds },
        options.onFallback,
      );
      const redis = new RateLimiterRedis({
        storeClient: options.client,
        keyPrefix: `${options.keyPrefix}${spec.name}`,
        points: spec.points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: insurance,
      });
      return wrap(
        new RLWrapperTimeouts({ limiter: redis, timeoutMs: options.commandTimeoutMs, insuranceLimiter: insurance }),
      );
    },
  };
}

class CountingMemoryLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>): ReturnType<RateLimiterMemory["consume"]> {
    this.onUse();
    return super.consume(...args);
  }
}
