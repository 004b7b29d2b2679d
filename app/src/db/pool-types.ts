// What the pool hands out. The holder identifies who has the connection, for leak reports.
import type { Connection } from "./driver.js";
import type { DbError } from "./errors.js";

export interface LeaseHolder {
  rpc: string;
  sessionId?: string;
  caller?: string;
}

export interface Lease {
  readonly connection: Connection;
  readonly holder: LeaseHolder;
  /**
   * Returns the connection; destroy=true (or a broken connection) closes it instead. Idempotent, and a no-op
   * once the pool has ended the lease itself (the connection was lost or reclaimed).
   */
  release(options?: { destroy?: boolean }): Promise<void>;
}

export interface PoolStats {
  active: number;
  idle: number;
  pending: number;
  total: number;
  max: number;
}

export interface AcquireOptions {
  /** Validate the connection before lending it even if it was used a moment ago (a circuit breaker's probe). */
  validate?: boolean;
  /** Never wait behind other callers: reject at once with resource_exhausted when nothing is free (health checks). */
  ifAvailable?: boolean;
}

export interface Pool {
  readonly database: string;
  /** Rejects with DbError("resource_exhausted") after the acquire timeout; with the signal's reason when aborted. */
  acquire(holder: LeaseHolder, signal?: AbortSignal, options?: AcquireOptions): Promise<Lease>;
  stats(): PoolStats;
  /** Rejects every caller waiting for a connection now (the circuit breaker opened: they would wait in vain). */
  rejectWaiters?(error: unknown): void;
  /** Stops handing out leases, closes idle connections, waits for active ones up to the timeout, then closes them. */
  close(timeoutMs?: number): Promise<void>;
}

/** Receives pool events, for metrics. Calls are synchronous and must not throw. */
export interface PoolObserver {
  /** A lease was handed out after waiting this many seconds. */
  acquired(seconds: number): void;
  acquireTimedOut(): void;
  leakDetected(holder: LeaseHolder): void;
  connectionCreated(): void;
  connectionClosed(): void;
  /** The driver reported a connection gone (idle or lent); it has left the pool's books. */
  connectionLost?(reason: DbError, wasLent: boolean): void;
  /** A lease held past leakReclaimAfterMs was taken back and its connection closed. */
  leakReclaimed?(holder: LeaseHolder): void;
}
