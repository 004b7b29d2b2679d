// Admission control on rate-limiter-flexible's in-memory store: rates per caller and per statement class, the
// in-flight cap, shedding, and the refusals' status, reason and RetryInfo delay. A property test (fixed seed)
// runs random interleavings of calls starting and ending against a model of the in-flight cap.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RateLimitsConfig } from "../../src/config/limits-schema.js";
import { ApiError } from "../../src/core/api-error.js";
import { StatusCode } from "../../src/core/status-codes.js";
import { Admission, type Release } from "../../src/limits/admission.js";
import type { LimitName } from "../../src/limits/limit-errors.js";
import { memoryStore } from "../../src/limits/limiter-store.js";

function admission(input: Record<string, unknown>, shedding = () => false) {
  const refused: LimitName[] = [];
  const subject = new Admission({
    config: RateLimitsConfig.parse(input),
    store: memoryStore(),
    shedding,
    shedRetryAfterMs: 1000,
    metrics: { refused: (limit) => void refused.push(limit), storeFallback: () => undefined },
  });
  return { subject, refused };
}

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("admission control", () => {
  it("refuses a caller past its rate with RESOURCE_EXHAUSTED and a RetryInfo delay within the window", async () => {
    const { subject, refused } = admission({ perIdentity: { rate: { requests: 3, perSeconds: 2 } } });
    for (let i = 0; i < 3; i++) await subject.admit("api_key:a");
    const error = await refusal(subject.admit("api_key:a"));
    expect(error.code).toBe(StatusCode.RESOURCE_EXHAUSTED);
    expect(error.reason).toBe("RATE_LIMITED");
    expect(error.metadata.limit).toBe("identity_rate");
    expect(error.retryDelayMs).toBeGreaterThan(0);
    expect(error.retryDelayMs).toBeLessThanOrEqual(2000);
    // Another caller has its own budget.
    await expect(subject.admit("api_key:b")).resolves.toBeTypeOf("function");
    expect(refused).toEqual(["identity_rate"]);
  });

  it("caps a caller's calls in flight and frees a place when one ends", async () => {
    const { subject } = admission({ perIdentity: { maxInFlight: 2 }, retryAfterMs: 150 });
    const first = await subject.admit("jwt:alice");
    await subject.admit("jwt:alice");
    const error = await refusal(subject.admit("jwt:alice"));
    expect(error.code).toBe(StatusCode.RESOURCE_EXHAUSTED);
    expect(error.reason).toBe("TOO_MANY_IN_FLIGHT");
    expect(error.retryDelayMs).toBe(150);
    first();
    first(); // idempotent: one call ends once
    await new Promise((r) => setImmediate(r));
    await expect(subject.admit("jwt:alice")).resolves.toBeTypeOf("function");
    await refusal(subject.admit("jwt:alice"));
  });

  it("limits statements per class without touching the other classes", async () => {
    const { subject, refused } = admission({ perClass: { write: { requests: 1, perSeconds: 60 } } });
    await subject.admitStatement("peer:x", "write");
    const error = await refusal(subject.admitStatement("peer:x", "write"));
    expect(error.reason).toBe("RATE_LIMITED");
    expect(error.metadata).toMatchObject({ limit: "class_rate", statement_class: "write" });
    for (let i = 0; i < 50; i++) await subject.admitStatement("peer:x", "read");
    expect(refused).toEqual(["class_rate"]);
  });

  it("sheds every call while overloaded, with UNAVAILABLE and RetryInfo, before any rate is used", async () => {
    let overloaded = true;
    const { subject, refused } = admission(
      { perIdentity: { rate: { requests: 1, perSeconds: 60 } } },
      () => overloaded,
    );
    const error = await refusal(subject.admit("peer:y"));
    expect(error.code).toBe(StatusCode.UNAVAILABLE);
    expect(error.reason).toBe("OVERLOADED");
    expect(error.retryDelayMs).toBe(1000);
    overloaded = false;
    // The shed call did not use the caller's one request.
    await expect(subject.admit("peer:y")).resolves.toBeTypeOf("function");
    expect(refused).toEqual(["overload"]);
  });

  it("admits everything when nothing is configured", async () => {
    const { subject } = admission({});
    for (let i = 0; i < 1000; i++) await subject.admit("peer:z");
    await subject.admitStatement("peer:z", "ddl");
    expect(subject.limitsCalls).toBe(false);
    expect(subject.limitsStatements).toBe(false);
  });

  it("never lets more calls in flight than the cap, whatever the order of starts and ends", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ start: fc.boolean(), caller: fc.constantFrom("a", "b") }), {
          minLength: 20,
          maxLength: 80,
        }),
        async (max, steps) => {
          const { subject } = admission({ perIdentity: { maxInFlight: max } });
          const running = new Map<string, Release[]>();
          for (const { start, caller } of steps) {
            const mine = running.get(caller) ?? [];
            running.set(caller, mine);
            if (start) {
              const admitted = await subject.admit(caller).then(
                (release) => release,
                () => undefined,
              );
              // The model: admitted exactly while fewer than max are running.
              expect(admitted !== undefined).toBe(mine.length < max);
              if (admitted) mine.push(admitted);
            } else {
              mine.shift()?.();
              await new Promise((r) => setImmediate(r));
            }
          }
        },
      ),
      { seed: 20260110, numRuns: 60 },
    );
  });
});
