// Retries of calls that a retry can fix: the retriable codes (UNAVAILABLE, ABORTED by default), or any call
// whose error carries google.rpc.RetryInfo (RESOURCE_EXHAUSTED from a session limit, for example). The server's
// delay wins over our backoff; nothing is retried past the call's deadline or after the caller aborted.
import { status } from "@grpc/grpc-js";
import { ProxyError } from "./errors.js";

export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 = no retries). */
  maxAttempts?: number;
  /** First backoff (default 100 ms), doubled per attempt with full jitter, at most maxBackoffMs (default 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Codes retried even without RetryInfo (default UNAVAILABLE and ABORTED). */
  retryableCodes?: number[];
}

export const DEFAULT_RETRYABLE_CODES: readonly number[] = [status.UNAVAILABLE, status.ABORTED];

export function retryDelayFor(error: ProxyError, attempt: number, options: RetryOptions): number | undefined {
  const codes = options.retryableCodes ?? DEFAULT_RETRYABLE_CODES;
  if (!codes.includes(error.code) && error.retryDelayMs === undefined) return undefined;
  const initial = options.initialBackoffMs ?? 100;
  const cap = options.maxBackoffMs ?? 5000;
  const backoff = Math.random() * Math.min(cap, initial * 2 ** (attempt - 1));
  return Math.max(error.retryDelayMs ?? 0, backoff);
}

export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions | false,
  deadline: number,
  signal?: AbortSignal,
): Promise<T> {
  const maxAttempts = options === false ? 1 : Math.max(1, options.maxAttempts ?? 3);
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (raw) {
      const error = ProxyError.fromServiceError(raw);
      const delay = options === false || n >= maxAttempts ? undefined : retryDelayFor(error, n, options);
      if (delay === undefined || signal?.aborted || Date.now() + delay >= deadline) throw error;
      await sleep(delay, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
