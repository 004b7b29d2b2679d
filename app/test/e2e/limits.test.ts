// Admission control through a real gRPC client: request rates, per-class statement rates, the in-flight cap, the
// pool queue cap and load shedding each refuse with their status, ErrorInfo reason and a RetryInfo delay, and the
// refusal is logged and counted; with Redis, two proxies share one caller's rate.
import { status } from "@grpc/grpc-js";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { ExecuteResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, execRequest, expectStatus, plain } from "../support/grpc-client.js";
import { captureLogs } from "../support/log-capture.js";
import { REDIS_MISSING, startRedis } from "../support/redis.js";
import { clientAs, headerIdentity } from "../support/test-identity.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const opened: TestProxy[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
});

async function proxy(...args: Parameters<typeof startTestProxy>): Promise<TestProxy> {
  const t = await startTestProxy(...args);
  opened.push(t);
  return t;
}

function selectOne(t: TestProxy, client = t.client) {
  return call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql: "SELECT 1 AS one" }));
}

async function refusals(t: TestProxy, limit: string): Promise<number> {
  const metric = await t.proxy.metrics.registry.getSingleMetric("proxy_limit_refusals_total")?.get();
  return metric?.values.find((v) => v.labels.limit === limit)?.value ?? 0;
}

function retryDelayMs(retryInfo: { retryDelay?: { seconds: bigint; nanos: number } } | undefined): number {
  const delay = retryInfo?.retryDelay;
  return delay ? Number(delay.seconds) * 1000 + delay.nanos / 1e6 : 0;
}

describe("admission limits over gRPC", () => {
  it("refuses a caller past its rate with RESOURCE_EXHAUSTED, RATE_LIMITED and RetryInfo; others go on", async () => {
    const logs = captureLogs("info");
    // Callers named by a test header: on loopback without auth every plain caller is the one local identity.
    const t = await proxy("sqlite", {
      logger: logs.logger,
      configPatch: { rateLimits: { perIdentity: { rate: { requests: 3, perSeconds: 60 } } } },
      identity: headerIdentity,
    });
    for (let i = 0; i < 3; i++) await selectOne(t);
    const { errorInfo, retryInfo } = await expectStatus(selectOne(t), status.RESOURCE_EXHAUSTED, "RATE_LIMITED");
    expect(errorInfo?.metadata.limit).toBe("identity_rate");
    expect(retryDelayMs(retryInfo)).toBeGreaterThan(0);
    expect(retryDelayMs(retryInfo)).toBeLessThanOrEqual(60_000);
    // Another caller has a budget of its own.
    const result = await selectOne(t, clientAs(t.address, "peer:other", []));
    expect(plain(result.rows[0]?.values[0])).toBe(1n);
    expect(await refusals(t, "identity_rate")).toBe(1);
    const line = logs.records().find((r) => r.msg === "rpc" && r.code === "ResourceExhausted");
    expect(line).toMatchObject({ reason: "RATE_LIMITED" });
  });

  it("limits one statement class and leaves the others alone", async () => {
    const t = await proxy("sqlite", {
      configPatch: { rateLimits: { perClass: { write: { requests: 1, perSeconds: 60 } } } },
    });
    await call(t.client, "execute", execRequest({ sql: "UPDATE customer SET city = city WHERE customer_id = 1" }));
    const { errorInfo } = await expectStatus(
      call(t.client, "execute", execRequest({ sql: "UPDATE customer SET city = city WHERE customer_id = 2" })),
      status.RESOURCE_EXHAUSTED,
      "RATE_LIMITED",
    );
    expect(errorInfo?.metadata).toMatchObject({ limit: "class_rate", statement_class: "write" });
    for (let i = 0; i < 5; i++) await selectOne(t);
    expect(await refusals(t, "class_rate")).toBe(1);
  });

  it("caps a caller's calls in flight", async () => {
    const t = await proxy("postgres", {
      configPatch: { rateLimits: { perIdentity: { maxInFlight: 1 }, retryAfterMs: 250 } },
    });
    const slow = call(t.client, "execute", execRequest({ sql: "SELECT pg_sleep(1)" }));
    await new Promise((r) => setTimeout(r, 200));
    const { retryInfo } = await expectStatus(selectOne(t), status.RESOURCE_EXHAUSTED, "TOO_MANY_IN_FLIGHT");
    expect(retryDelayMs(retryInfo)).toBe(250);
    await slow;
    const result = await selectOne(t);
    expect(plain(result.rows[0]?.values[0])).toBe(1n);
    expect(await refusals(t, "in_flight")).toBe(1);
  });

  it("refuses at once a call that would queue behind too many waiters for a connection", async () => {
    const t = await proxy("sqlite", {
      pool: { max: 1, acquireTimeoutMs: 10_000 },
      configPatch: { rateLimits: { maxPoolWaiters: 1 } },
    });
    const { sessionId } = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    const waiting = selectOne(t, t.newClient()); // holds the one place in the queue
    await vi.waitFor(() => expect(t.proxy.databases.find("")?.pool.stats().pending).toBeGreaterThanOrEqual(1));
    const { errorInfo } = await expectStatus(selectOne(t, t.newClient()), status.RESOURCE_EXHAUSTED, "POOL_QUEUE_FULL");
    expect(errorInfo?.metadata).toMatchObject({ limit: "pool_waiters", database: "main" });
    await call(t.client, "closeSession", { sessionId });
    const result = await waiting;
    expect(plain(result.rows[0]?.values[0])).toBe(1n);
  });

  it("sheds new calls with UNAVAILABLE, OVERLOADED and RetryInfo while the event loop lags, then serves again", async () => {
    const t = await proxy("sqlite", {
      configPatch: { overload: { maxEventLoopDelayMs: 50, windowMs: 200, windows: 1, retryAfterMs: 700 } },
    });
    await selectOne(t);
    // The event loop of this process (the proxy's) is blocked for 600 ms, as by a saturated CPU.
    const until = performance.now() + 600;
    while (performance.now() < until) {
      // busy
    }
    await new Promise((r) => setTimeout(r, 20));
    const { retryInfo } = await expectStatus(selectOne(t), status.UNAVAILABLE, "OVERLOADED");
    expect(retryDelayMs(retryInfo)).toBe(700);
    expect(await refusals(t, "overload")).toBeGreaterThanOrEqual(1);
    await vi.waitFor(async () => expect(plain((await selectOne(t)).rows[0]?.values[0])).toBe(1n), {
      timeout: 5000,
      interval: 100,
    });
  });

  it.skipIf(REDIS_MISSING !== undefined)("shares one caller's rate between two proxies through Redis", async () => {
    const redis = await startRedis();
    try {
      // One caller for both (no authentication configured: identified by a fixed name instead of its address).
      const identity = async () => ({ id: "peer:shared-caller", method: "peer" as const, roles: [] });
      const rateLimits = {
        store: "redis",
        redis: { url: redis.url, keyPrefix: "e2e:" },
        perIdentity: { rate: { requests: 4, perSeconds: 60 } },
      };
      const a = await proxy("sqlite", { identity, configPatch: { rateLimits } });
      const b = await proxy("sqlite", { identity, configPatch: { rateLimits } });
      await new Promise((r) => setTimeout(r, 300)); // both connected to Redis
      await selectOne(a);
      await selectOne(a);
      await selectOne(b);
      await selectOne(b);
      await expectStatus(selectOne(a), status.RESOURCE_EXHAUSTED, "RATE_LIMITED");
      await expectStatus(selectOne(b), status.RESOURCE_EXHAUSTED, "RATE_LIMITED");
    } finally {
      await redis.stop();
    }
  });
});
