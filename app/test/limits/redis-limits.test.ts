// Limits shared by a fleet, on a real redis-server the test starts itself: two "replicas" (each its own
// createLimits, Redis connection and in-memory insurance) share a caller's rate and in-flight cap; when Redis is
// killed each replica falls back to its own counters without failing or holding up a call, and shares again once
// Redis is back.
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OverloadConfig, RateLimitsConfig } from "../../src/config/limits-schema.js";
import { ApiError } from "../../src/core/api-error.js";
import { createLimits, type Limits } from "../../src/limits/create-limits.js";
import { createLogger } from "../../src/observability/logger.js";
import { REDIS_MISSING, startRedis, type TestRedis } from "../support/redis.js";

if (REDIS_MISSING) console.warn(REDIS_MISSING);

async function replica(redis: TestRedis, limits: Record<string, unknown>, keyPrefix: string) {
  const registry = new Registry();
  const created = await createLimits(
    {
      rateLimits: RateLimitsConfig.parse({
        store: "redis",
        redis: { url: redis.url, keyPrefix, commandTimeoutMs: 100, connectTimeoutMs: 500 },
        ...limits,
      }),
      overload: OverloadConfig.parse({ maxEventLoopDelayMs: 0 }),
    },
    { env: {}, logger: createLogger("silent"), registry },
  );
  const fallbacks = async () =>
    (await registry.getSingleMetric("proxy_limit_store_fallbacks_total")?.get())?.values[0]?.value ?? 0;
  return { limits: created, fallbacks };
}

async function admitted(limits: Limits, caller: string): Promise<boolean> {
  return limits.admission.admit(caller).then(
    () => true,
    (error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
      return false;
    },
  );
}

async function ready(limits: Limits): Promise<void> {
  // Until the connection is up a check would use the replica's own counters.
  for (let i = 0; i < 200 && !limits.storeUp(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(limits.storeUp()).toBe(true);
}

describe.skipIf(REDIS_MISSING !== undefined)("limits shared through Redis", () => {
  let redis: TestRedis;
  const opened: Limits[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const limits of opened) await limits.stop();
    await redis?.stop();
  });

  it("share one caller's rate between two replicas", async () => {
    const config = { perIdentity: { rate: { requests: 10, perSeconds: 60 } } };
    const a = await replica(redis, config, "t1:");
    const b = await replica(redis, config, "t1:");
    opened.push(a.limits, b.limits);
    await ready(a.limits);
    await ready(b.limits);
    const results: boolean[] = [];
    for (let i = 0; i < 6; i++) results.push(await admitted(a.limits, "api_key:fleet"));
    for (let i = 0; i < 4; i++) results.push(await admitted(b.limits, "api_key:fleet"));
    expect(results.every(Boolean)).toBe(true);
    // Ten in all: the eleventh is refused on either replica.
    expect(await admitted(a.limits, "api_key:fleet")).toBe(false);
    expect(await admitted(b.limits, "api_key:fleet")).toBe(false);
    expect(await admitted(b.limits, "api_key:other")).toBe(true);
    expect(await a.fallbacks()).toBe(0);
  });

  it("share one caller's in-flight cap between two replicas", async () => {
    const config = { perIdentity: { maxInFlight: 3 } };
    const a = await replica(redis, config, "t2:");
    const b = await replica(redis, config, "t2:");
    opened.push(a.limits, b.limits);
    await ready(a.limits);
    await ready(b.limits);
    const first = await a.limits.admission.admit("jwt:bob");
    await a.limits.admission.admit("jwt:bob");
    await b.limits.admission.admit("jwt:bob");
    expect(await admitted(b.limits, "jwt:bob")).toBe(false);
    expect(await admitted(a.limits, "jwt:bob")).toBe(false);
    first();
    await new Promise((r) => setTimeout(r, 50));
    expect(await admitted(b.limits, "jwt:bob")).toBe(true);
  });

  it("falls back to each replica's own limits while Redis is down, and shares again when it is back", async () => {
    const config = { perIdentity: { rate: { requests: 5, perSeconds: 60 } } };
    const a = await replica(redis, config, "t3:");
    opened.push(a.limits);
    await ready(a.limits);
    await redis.kill();
    const started = performance.now();
    const whileDown: boolean[] = [];
    for (let i = 0; i < 7; i++) whileDown.push(await admitted(a.limits, "peer:down"));
    const perCheckMs = (performance.now() - started) / 7;
    console.log(`limit check with Redis killed: ${perCheckMs.toFixed(1)} ms per call (fallback to memory)`);
    // The replica's own counters apply the same limit meanwhile.
    expect(whileDown).toEqual([true, true, true, true, true, false, false]);
    expect(await a.fallbacks()).toBeGreaterThanOrEqual(7);
    await redis.restart();
    await ready(a.limits);
    const before = await a.fallbacks();
    // A fresh Redis holds no counts: the caller is admitted again, through Redis.
    expect(await admitted(a.limits, "peer:down")).toBe(true);
    expect(await a.fallbacks()).toBe(before);
  });
});
