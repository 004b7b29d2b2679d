// Writes one JSON line per audit record to a stream, without ever blocking the event loop on a slow reader and
// without unbounded memory: while the stream asks us to wait (write() returned false), records queue in a
// bounded backlog written as one chunk on 'drain'; beyond the bound a record is dropped and counted, never lost
// silently. A failed stream (disk full, file removed under a read-only mount) counts every later record as dropped.
import type { Logger } from "pino";
import type { AuditRecord, AuditSink } from "./audit-sink.js";

/** The part of a writable stream the sink needs: node's Writable and pino's SonicBoom both fit. */
export interface LineStream {
  write(chunk: string): boolean;
  once(event: "drain", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

export type DropReason = "buffer_full" | "stream_error" | "closed";

export interface StreamAuditSinkOptions {
  stream: LineStream;
  /** Records held while the stream is backed up; past this they are dropped and counted. */
  maxBufferedRecords: number;
  onWritten?: () => void;
  onDropped: (reason: DropReason) => void;
  logger: Logger;
  /** Ends the stream (a file we opened) after the last record; stdout/stderr are not ours to end. */
  end?: () => Promise<void>;
}

/** How often, at most, a run of drops is reported in the main log (the metric counts every one). */
const DROP_LOG_INTERVAL_MS = 10_000;

export class StreamAuditSink implements AuditSink {
  private backlog: string[] = [];
  private waitingForDrain = false;
  private failed = false;
  private closing: Promise<void> | undefined;
  private drainedWaiters: Array<() => void> = [];
  private lastDropLog = 0;
  private dropsSinceLog = 0;

  constructor(private readonly options: StreamAuditSinkOptions) {
    options.stream.on("error", (error) => {
      if (!this.failed) {
        // The error names the destination and the errno, not the content of any record.
        options.logger.error(
          { err: { message: error.message, code: (error as NodeJS.ErrnoException).code } },
          "audit destination failed; audit records are being dropped",
        );
      }
      this.failed = true;
      for (let i = 0; i < this.backlog.length; i++) this.drop("stream_error");
      this.backlog = [];
      this.releaseWaiters();
    });
  }

  record(entry: AuditRecord): void {
    if (this.closing) {
      this.drop("closed");
      return;
    }
    if (this.failed) {
      this.drop("stream_error");
      return;
    }
    const line = `${JSON.stringify(entry)}\n`;
    if (this.waitingForDrain) {
      if (this.backlog.length >= this.options.maxBufferedRecords) this.drop("buffer_full");
      else this.backlog.push(line);
      return;
    }
    this.write(line);
    this.options.onWritten?.();
  }

  /** Writes what is queued, then ends the stream if it is ours. Records arriving meanwhile are dropped. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.waitingForDrain && !this.failed) {
        await new Promise<void>((resolve) => this.drainedWaiters.push(resolve));
      }
      await this.options.end?.();
    })();
    return this.closing;
  }

  private write(chunk: string): void {
    if (!this.options.stream.write(chunk)) {
      this.waitingForDrain = true;
      this.options.stream.once("drain", () => this.flushBacklog());
    }
  }

  private flushBacklog(): void {
    this.waitingForDrain = false;
    if (this.failed) return;
    if (this.backlog.length > 0) {
      const lines = this.backlog;
      this.backlog = [];
      this.write(lines.join(""));
      for (let i = 0; i < lines.length; i++) this.options.onWritten?.();
    }
    if (!this.waitingForDrain) this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private drop(reason: DropReason): void {
    this.options.onDropped(reason);
    this.dropsSinceLog++;
    const now = Date.now();
    if (reason !== "closed" && now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.options.logger.warn({ dropped: this.dropsSinceLog, reason }, "audit records dropped");
      this.lastDropLog = now;
      this.dropsSinceLog = 0;
    }
  }
}
