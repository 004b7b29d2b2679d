// Load shedding on event-loop lag. When the event loop falls behind, every call already waits longer for its
// turn; refusing new calls early (UNAVAILABLE with RetryInfo) keeps the ones in flight fast instead of letting
// every call's latency collapse together. The judge is the mean delay over each window of
// perf_hooks.monitorEventLoopDelay, for `windows` windows in a row: one garbage-collection pause or a short burst
// of a neighbour's load does not shed, a loop that stays saturated does; the first window below stops it.
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { OverloadConfig } from "../config/limits-schema.js";

export interface OverloadDetector {
  shedding(): boolean;
  meanDelayMs(): number;
  stop(): void;
}

const RESOLUTION_MS = 10;

export function startOverloadDetector(config: OverloadConfig): OverloadDetector {
  if (config.maxEventLoopDelayMs <= 0) {
    return { shedding: () => false, meanDelayMs: () => 0, stop: () => undefined };
  }
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let mean = 0;
  let above = 0;
  let windowStarted = performance.now();
  const window = setInterval(() => {
    const now = performance.now();
    // The histogram holds each sampling interval's full length in nanoseconds: the delay is what exceeds it.
    const sampled = histogram.count > 0 ? Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS) : 0;
    // A loop blocked for most of the window leaves few samples; this timer's own lateness shows it.
    const late = Math.max(0, now - windowStarted - config.windowMs);
    mean = Math.max(sampled, late);
    above = mean > config.maxEventLoopDelayMs ? above + 1 : 0;
    windowStarted = now;
    histogram.reset();
  }, config.windowMs);
  window.unref();
  return {
    shedding: () => above >= config.windows,
    meanDelayMs: () => mean,
    stop: () => {
      clearInterval(window);
      histogram.disable();
    },
  };
}
