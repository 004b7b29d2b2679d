// Admission control of one call and of each statement: shed when overloaded, then the caller's request rate,
// then its cap on calls in flight; statements also count against the caller's rate for their class. A refusal
// is an ApiError with RetryInfo (limit-errors.ts); an admitted call holds an in-flight count until it ends.
import type { RateConfig, RateLimitsConfig } from "../config/limits-schema.js";
import { overloaded, rateLimited, tooManyInFlight } from "./limit-errors.js";
import type { LimitMetrics } from "./limit-metrics.js";
import type { Limiter, LimiterStore } from "./limiter-store.js";

export interface AdmissionOptions {
  config: RateLimitsConfig;
  store: LimiterStore;
  /** True while the proxy sheds load (overload-detector.ts). */
  shedding: () => boolean;
  shedRetryAfterMs: number;
  metrics: LimitMetrics;
}

/** Ends an admitted call's in-flight count; idempotent. */
export type Release = () => void;

const NOTHING_TO_RELEASE: Release = () => undefined;

function rateLimiter(store: LimiterStore, name: string, rate: RateConfig): Limiter {
  return store.limiter({ name, points: rate.requests, durationSeconds: rate.perSeconds });
}

export class Admission {
  private readonly identityRate: Limiter | undefined;
  private readonly inFlight: Limiter | undefined;
  private readonly classRates = new Map<string, Limiter>();

  constructor(private readonly options: AdmissionOptions) {
    const { config, store } = options;
    if (config.perIdentity.rate) this.identityRate = rateLimiter(store, "rate", config.perIdentity.rate);
    if (config.perIdentity.maxInFlight > 0) {
      this.inFlight = store.limiter({ name: "inflight", points: config.perIdentity.maxInFlight, durationSeconds: 0 });
    }
    for (const [statementClass, rate] of Object.entries(config.perClass)) {
      if (rate) this.classRates.set(statementClass, rateLimiter(store, `class:${statementClass}`, rate));
    }
  }

  /** Admits one call of this caller, or throws; the returned function ends its in-flight count. */
  async admit(identity: string): Promise<Release> {
    if (this.options.shedding()) {
      this.options.metrics.refused("overload");
      throw overloaded(this.options.shedRetryAfterMs);
    }
    if (this.identityRate) {
      const verdict = await this.identityRate.take(identity);
      if (!verdict.allowed) {
        this.options.metrics.refused("identity_rate");
        throw rateLimited("identity_rate", verdict.retryAfterMs);
      }
    }
    const inFlight = this.inFlight;
    if (!inFlight) return NOTHING_TO_RELEASE;
    const verdict = await inFlight.take(identity);
    if (!verdict.allowed) {
      // rate-limiter-flexible counts a refused attempt too: a semaphore must not, or the cap would shrink.
      await inFlight.giveBack(identity);
      this.options.metrics.refused("in_flight");
      throw tooManyInFlight(this.options.config.perIdentity.maxInFlight, this.options.config.retryAfterMs);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      void inFlight.giveBack(identity);
    };
  }

  /** Counts one statement of this caller against its class's rate, or throws. */
  async admitStatement(identity: string, statementClass: string): Promise<void> {
    const limiter = this.classRates.get(statementClass);
    if (!limiter) return;
    const verdict = await limiter.take(identity);
    if (!verdict.allowed) {
      this.options.metrics.refused("class_rate");
      throw rateLimited("class_rate", verdict.retryAfterMs, statementClass);
    }
  }

  /** Whether any per-call limit is configured (no interceptor is needed otherwise). */
  get limitsCalls(): boolean {
    return this.identityRate !== undefined || this.inFlight !== undefined;
  }

  get limitsStatements(): boolean {
    return this.classRates.size > 0;
  }
}
