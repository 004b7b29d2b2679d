// What the pool hands out. The holder identifies who has the connection, for leak reports.
import type { Connection } from "./driver.js";

export interface LeaseHolder {
  rpc: string;
  sessionId?: string;
  caller?: string;
}

export interface Lease {
  readonly connection: Connection;
  readonly holder: LeaseHolder;
  /** Returns the connection; destroy=true (or a broken connection) closes it instead. Idempotent. */
  release(options?: { destroy?: boolean }): Promise<void>;
}

export interface PoolStats {
  active: number;
  idle: number;
  pending: number;
  total: number;
  max: number;
}

export interface Pool {
  readonly database: string;
  /** Rejects with DbError("resource_exhausted") after the acquire timeout; with the signal's reason when aborted. */
  acquire(holder: LeaseHolder, signal?: AbortSignal): Promise<Lease>;
  stats(): PoolStats;
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
}
