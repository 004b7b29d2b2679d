// A SQLite result read from the connection's worker in batches. The worker steps the statement only when
// asked, so a slow client slows the statement instead of filling memory; one batch is read ahead while the
// previous one is being sent, so the worker's stepping and the main thread's encoding overlap.
import type { SQLOutputValue } from "node:sqlite";
import type { Cursor } from "../../driver.js";
import { DbError } from "../../errors.js";
import type { ColumnInfo, PortableType, Row } from "../../values.js";
import type { FetchReply, OpenCursorReply } from "./protocol.js";
import { fromSqliteValue } from "./values.js";
import { CANCELLED_MESSAGE } from "./worker-client.js";

export function mapRows(raw: SQLOutputValue[][], columns: ColumnInfo[]): Row[] {
  const types: PortableType[] = columns.map((c) => c.type);
  return raw.map((row) => row.map((value, index) => fromSqliteValue(value, types[index] ?? "unknown")));
}

export interface CursorChannel {
  fetch(cursorId: number, maxRows: number, signal: AbortSignal | undefined): Promise<FetchReply>;
  close(cursorId: number): Promise<void>;
}

export class SqliteWorkerCursor implements Cursor {
  readonly columns: ColumnInfo[];
  readonly rowsAffected: number;
  private readonly cursorId: number | undefined;
  private buffered: SQLOutputValue[][];
  private done: boolean;
  private closed = false;
  private ahead: Promise<FetchReply> | undefined;

  constructor(
    opened: OpenCursorReply,
    private readonly signal: AbortSignal | undefined,
    private readonly channel: CursorChannel,
  ) {
    this.columns = opened.columns;
    this.rowsAffected = opened.rowsAffected;
    this.cursorId = opened.cursorId;
    this.buffered = opened.rows;
    this.done = opened.done || opened.cursorId === undefined;
  }

  async next(maxRows: number): Promise<Row[]> {
    if (this.closed) return [];
    if (this.signal?.aborted) {
      await this.close();
      throw new DbError("timeout", CANCELLED_MESSAGE);
    }
    const raw = this.take(maxRows);
    try {
      while (raw.length < maxRows && !this.done) {
        const reply = await (this.ahead ?? this.fetch(maxRows - raw.length));
        this.ahead = undefined;
        if (reply.done) this.done = true;
        this.buffered = reply.rows;
        raw.push(...this.take(maxRows - raw.length));
      }
    } catch (error) {
      await this.close();
      throw error;
    }
    if (!this.done && this.buffered.length < maxRows) this.readAhead(maxRows - this.buffered.length);
    return mapRows(raw, this.columns);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffered = [];
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) await ahead.catch(() => undefined);
    if (this.cursorId !== undefined && !this.done) {
      this.done = true;
      await this.channel.close(this.cursorId).catch(() => undefined);
    }
  }

  private take(max: number): SQLOutputValue[][] {
    if (this.buffered.length <= max) {
      const all = this.buffered;
      this.buffered = [];
      return all;
    }
    const some = this.buffered.slice(0, max);
    this.buffered = this.buffered.slice(max);
    return some;
  }

  private fetch(maxRows: number): Promise<FetchReply> {
    return this.channel.fetch(this.cursorId as number, maxRows, this.signal);
  }

  private readAhead(maxRows: number): void {
    const ahead = this.fetch(maxRows);
    // Awaited by the next next() or by close(); never an unhandled rejection meanwhile.
    ahead.catch(() => undefined);
    this.ahead = ahead;
  }
}
