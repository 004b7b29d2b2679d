// One worker thread kept started for each SQLite database, so that a new connection, or a connection whose
// worker was given up on, gets a worker that already has the file open instead of waiting for a thread to
// start (tens of milliseconds, more on a busy machine).
import { SqliteWorker, type SqliteWorkerOptions } from "./worker-client.js";

export class WorkerStandby {
  private spare: SqliteWorker | undefined;
  private closed = false;

  constructor(private readonly options: SqliteWorkerOptions) {}

  /** Starts the spare now; settles when it is ready or has failed (never rejects). */
  warm(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.spare ??= new SqliteWorker(this.options);
    return this.spare.ready.catch(() => undefined);
  }

  /** The spare for a connection, and a new spare for the next one. */
  take(): SqliteWorker {
    const spare = this.spare;
    this.spare = undefined;
    const worker = spare?.alive ? spare : new SqliteWorker(this.options);
    if (!this.closed) void this.warm();
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = undefined;
    await spare?.close(1000);
  }
}
