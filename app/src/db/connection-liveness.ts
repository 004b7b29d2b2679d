// Whether a driver connection is still there, and the guarantee that nothing waits on one that is gone:
// once lost, every pending operation raced through guard() rejects with the loss at once (a pg cursor read or
// close would otherwise wait forever for a ReadyForQuery that never comes), later ones reject immediately,
// and the pool hears of it through onLost. Drivers call markLost from their socket's error and close events.
import type { DbError } from "./errors.js";

export class ConnectionLiveness {
  private lostReason: DbError | undefined;
  private readonly pending = new Set<(reason: DbError) => void>();
  private readonly listeners = new Set<(reason: DbError) => void>();

  get lost(): DbError | undefined {
    return this.lostReason;
  }

  /** Something is awaiting the connection right now (a statement, a read, a close of a portal). */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Records the loss once (the first reason wins), rejects what is pending, then tells the listeners. */
  markLost(reason: DbError): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    for (const reject of [...this.pending]) reject(reason);
    this.pending.clear();
    for (const listener of [...this.listeners]) {
      try {
        listener(reason);
      } catch {
        // A listener's failure must not keep the others from hearing of the loss.
      }
    }
    this.listeners.clear();
  }

  onLost(listener: (reason: DbError) => void): () => void {
    if (this.lostReason) {
      const reason = this.lostReason;
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Awaits work, or rejects as soon as the connection is lost. The listener is removed when work settles, so
   * millions of statements on a healthy connection leave nothing behind.
   */
  async guard<T>(work: Promise<T>): Promise<T> {
    if (this.lostReason) {
      work.catch(() => {});
      throw this.lostReason;
    }
    let rejectOnLoss: ((reason: DbError) => void) | undefined;
    const loss = new Promise<never>((_, reject) => {
      rejectOnLoss = reject;
    });
    const registered = rejectOnLoss as (reason: DbError) => void;
    this.pending.add(registered);
    try {
      return await Promise.race([work, loss]);
    } finally {
      this.pending.delete(registered);
    }
  }
}
