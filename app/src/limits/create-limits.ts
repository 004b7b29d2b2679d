// Builds admission control from the configuration: the limiter store (memory, or Redis for a fleet), the
// overload detector, the metrics, and the Admission the interceptor and the statement guard use.
import type { Registry } from "prom-client";
import type { OverloadConfig, RateLimitsConfig } from "../config/limits-schema.js";
import type { Logger } from "../observability/logger.js";
import { Admission } from "./admission.js";
import { createLimitMetrics, type LimitMetrics } from "./limit-metrics.js";
import { memoryStore, redisStore } from "./limiter-store.js";
import { startOverloadDetector } from "./overload-detector.js";
import { connectLimitsRedis } from "./redis-client.js";

export interface Limits {
  admission: Admission;
  metrics: LimitMetrics;
  config: RateLimitsConfig;
  /** The shared store answers (always true for memory). */
  storeUp(): boolean;
  stop(): Promise<void>;
}

export async function createLimits(
  config: { rateLimits: RateLimitsConfig; overload: OverloadConfig },
  deps: { env: Record<string, string | undefined>; logger: Logger; registry: Registry },
): Promise<Limits> {
  const logger = deps.logger.child({ component: "limits" });
  const redisConfig = config.rateLimits.store === "redis" ? config.rateLimits.redis : undefined;
  const redis = redisConfig ? await connectLimitsRedis(redisConfig, { env: deps.env, logger }) : undefined;
  const overload = startOverloadDetector(config.overload);
  const metrics = createLimitMetrics(deps.registry, overload, () => redis?.up() ?? true);
  const store =
    redis && redisConfig
      ? redisStore({
          client: redis.client,
          keyPrefix: redisConfig.keyPrefix,
          commandTimeoutMs: redisConfig.commandTimeoutMs,
          maxDurationSeconds: config.rateLimits.inFlightLeaseSeconds,
          onFallback: () => metrics.storeFallback(),
        })
      : memoryStore();
  const admission = new Admission({
    config: config.rateLimits,
    store,
    shedding: () => overload.shedding(),
    shedRetryAfterMs: config.overload.retryAfterMs,
    metrics,
  });
  return {
    admission,
    metrics,
    config: config.rateLimits,
    storeUp: () => redis?.up() ?? true,
    async stop() {
      overload.stop();
      await redis?.close();
    },
  };
}
