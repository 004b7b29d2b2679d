// Worker threads given up on (deadline passed, worker.terminate() called) that have not exited yet.
//
// node:sqlite has no sqlite3_interrupt. A worker between two rows stops at once when terminated, but a
// worker inside one long SQLite step (a big sort, a count over millions of rows, CREATE INDEX) keeps that
// step running until it returns, holding a CPU core and, for a write, the database's write lock. Such a
// thread also keeps the process from exiting (Node joins worker threads on exit), so the CLI asks here
// before it exits. The count is process-wide because that is what it is about: threads of this process.

export class AbandonedThreads {
  private readonly running = new Map<string, number>();
  private abandonedTotal = 0;

  /** Counts the thread until `exited` settles. */
  track(database: string, exited: Promise<unknown>): void {
    this.abandonedTotal += 1;
    this.running.set(database, (this.running.get(database) ?? 0) + 1);
    const done = () => {
      const left = (this.running.get(database) ?? 1) - 1;
      if (left > 0) this.running.set(database, left);
      else this.running.delete(database);
    };
    exited.then(done, done);
  }

  /** Still running, for one database file or for all. */
  count(database?: string): number {
    if (database !== undefined) return this.running.get(database) ?? 0;
    let total = 0;
    for (const n of this.running.values()) total += n;
    return total;
  }

  /** Abandoned since the process started. */
  get total(): number {
    return this.abandonedTotal;
  }
}

export const abandonedThreads = new AbandonedThreads();
