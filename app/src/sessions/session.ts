// One session: a pooled connection pinned to one caller, its prepared statements, and a queue that runs
// the caller's calls one at a time (a database connection runs one statement at a time).
import type { Database } from "../db/database-registry.js";
import type { PreparedStatement } from "../db/driver.js";
import type { Lease } from "../db/pool-types.js";

export class Session {
  readonly prepared = new Map<string, PreparedStatement>();
  lastUsedAt: number;
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;
  closed = false;

  constructor(
    readonly id: string,
    readonly owner: string,
    readonly database: Database,
    readonly lease: Lease,
    private readonly now: () => number,
  ) {
    this.lastUsedAt = now();
  }

  get busy(): boolean {
    return this.running > 0;
  }

  get inTransaction(): boolean {
    return this.lease.connection.inTransaction;
  }

  /** Runs fn after every earlier call on this session has finished. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.running++;
    const result = this.tail.then(fn);
    const settle = () => {
      this.running--;
      this.lastUsedAt = this.now();
    };
    this.tail = result.then(settle, settle);
    return result;
  }
}
