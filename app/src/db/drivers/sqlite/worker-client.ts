// The main thread's handle on one SQLite worker thread: starts it, sends requests, matches replies, and gives
// the worker up when a caller's signal fires while the worker is busy for it. Giving up means: the request
// rejects at once with DbError("timeout"), the shared `abandoned` flag is set (the worker never commits after
// it) and the thread is terminated. The owner (SqliteConnection) decides what replaces it.
import { getPriority, setPriority } from "node:os";
import { Worker } from "node:worker_threads";
import { DbError } from "../../errors.js";
import { abandonedThreads } from "./abandoned-threads.js";
import {
  deserializeDbError,
  type Operation,
  type Operations,
  type WorkerOpenOptions,
  type WorkerReady,
  type WorkerReply,
  type WorkerRequest,
} from "./protocol.js";
import { sqliteWorkerEntry } from "./worker-entry.js";

export const CANCELLED_MESSAGE = "statement cancelled (timeout or client cancel)";

/** The nice value of a thread given up on. */
export const LOWEST_PRIORITY = 19;

interface Pending {
  resolve(reply: { value: unknown; inTransaction: boolean }): void;
  reject(error: unknown): void;
}

export interface SqliteWorkerOptions {
  path: string;
  readOnly: boolean;
  busyTimeoutMs: number;
}

/** The connection a worker serves, told what happens to it. */
export interface WorkerOwner {
  /** Called once when the worker is given up on (a signal fired while it was busy). */
  onAbandoned(): void;
  /** Called once when the worker ends by itself (crash, out of memory) rather than by close or abandon. */
  onLost(error: DbError): void;
}

export class SqliteWorker {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly abandonedFlag = new SharedArrayBuffer(4);
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ended: DbError | undefined;
  private closing = false;
  private owner: WorkerOwner | undefined;
  private threadId: number | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly options: SqliteWorkerOptions) {
    const entry = sqliteWorkerEntry();
    const workerData: WorkerOpenOptions = {
      path: options.path,
      readOnly: options.readOnly,
      busyTimeoutMs: options.busyTimeoutMs,
      abandoned: this.abandonedFlag,
    };
    this.worker = new Worker(entry.url, { workerData, execArgv: entry.execArgv });
    // An idle connection must not keep the process alive; a busy one does (ref while requests are pending).
    this.worker.unref();
    this.exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (message: WorkerReady) => {
        if (message.ready) {
          this.threadId = message.threadId;
          resolve();
        } else reject(deserializeDbError(message.error));
        this.worker.on("message", (reply: WorkerReply) => this.settle(reply));
      };
      this.worker.once("message", onReady);
      this.worker.once("exit", () => reject(this.ended ?? lostError("the SQLite worker exited before it opened")));
    });
    this.ready.catch(() => undefined);
    this.worker.on("error", (error) => this.end(lostError(`the SQLite worker failed: ${error.message}`)));
    this.worker.once("exit", () => this.end(lostError("the SQLite worker exited")));
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Binds the worker to the connection it serves (a standby worker has none yet). */
  attach(owner: WorkerOwner): void {
    this.owner = owner;
  }

  /** Sends one request. A signal that fires while it runs gives the worker up (see the top of this file). */
  async request<K extends Operation>(
    op: K,
    args: Operations[K]["args"],
    signal?: AbortSignal,
  ): Promise<{ value: Operations[K]["reply"]; inTransaction: boolean }> {
    if (signal?.aborted) throw new DbError("timeout", CANCELLED_MESSAGE);
    if (this.ended) throw this.ended;
    await this.ready;
    if (signal?.aborted) throw new DbError("timeout", CANCELLED_MESSAGE);
    if (this.ended) throw this.ended;
    const id = this.nextId++;
    // The envelope's id last: no operation argument may shadow it.
    const request = { ...args, op, id } as WorkerRequest;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        reject(new DbError("timeout", CANCELLED_MESSAGE));
        this.abandon();
      };
      this.pending.set(id, {
        resolve: (reply) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(reply as { value: Operations[K]["reply"]; inTransaction: boolean });
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  /** Asks the worker to close its database and exit; gives it up instead if it does not within the bound. */
  async close(timeoutMs: number): Promise<void> {
    if (this.ended) return;
    if (this.pending.size > 0) {
      // Busy (a statement outlived its holder): waiting could take as long as the statement.
      this.abandon();
      return;
    }
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.abandon();
        resolve();
      }, timeoutMs);
    });
    try {
      await Promise.race([this.request("close", {}).then(() => this.exited), bounded]);
    } catch {
      // the worker is gone either way
    } finally {
      clearTimeout(timer);
      this.end(new DbError("unavailable", "the SQLite connection is closed", { connectionBroken: true }));
    }
  }

  /** Gives the worker up: nothing it does from now on is committed, and its thread is terminated. */
  abandon(): void {
    if (this.ended) return;
    Atomics.store(new Int32Array(this.abandonedFlag), 0, 1);
    this.end(
      new DbError("unavailable", "the SQLite connection was reset after an abandoned statement", {
        connectionBroken: true,
      }),
      false,
    );
    abandonedThreads.track(this.options.path, this.exited);
    this.lowerPriority();
    void this.worker.terminate();
    this.owner?.onAbandoned();
  }

  /**
   * A thread inside one long SQLite step runs on after terminate(); at the lowest priority it takes CPU only
   * when nothing else wants it, so it does not slow down the calls still being served (Linux: a thread id is
   * a valid target of setpriority).
   */
  private lowerPriority(): void {
    if (this.threadId === undefined) return;
    try {
      setPriority(this.threadId, LOWEST_PRIORITY);
    } catch {
      // already gone
    }
  }

  /** The thread's nice value, or undefined where it cannot be read. */
  priority(): number | undefined {
    if (this.threadId === undefined) return undefined;
    try {
      return getPriority(this.threadId);
    } catch {
      return undefined;
    }
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve({ value: reply.value, inTransaction: reply.inTransaction });
    else pending.reject(deserializeDbError(reply.error));
  }

  /** Rejects what is still pending; reports a loss the owner did not cause. */
  private end(error: DbError, lost = true): void {
    if (this.ended) return;
    this.ended = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.worker.unref();
    if (lost && !this.closing) this.owner?.onLost(error);
  }
}

function lostError(message: string): DbError {
  return new DbError("unavailable", message, { connectionBroken: true });
}
