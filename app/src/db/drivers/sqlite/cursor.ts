// Reads a SQLite result in batches. node:sqlite steps synchronously, so between batches the cursor
// yields to the event loop (other calls keep being served) and checks the abort signal. One step of
// one row cannot be interrupted: a single slow step (a huge sort or aggregate) runs to its end.
import type { SQLOutputValue, StatementResultingChanges } from "node:sqlite";
import type { Cursor } from "../../driver.js";
import { DbError } from "../../errors.js";
import type { ColumnInfo, PortableType, Row } from "../../values.js";
import { mapSqliteError } from "./errors.js";
import { fromSqliteValue, portableTypeOfValue } from "./values.js";

/** Rows stepped synchronously before yielding to the event loop. */
export const ROWS_PER_SLICE = 1000;

type RowIterator = Iterator<SQLOutputValue[]> & { return?(): IteratorResult<SQLOutputValue[]> };

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DbError("timeout", "statement cancelled (timeout or client cancel)");
}

export function mapRow(raw: SQLOutputValue[], types: PortableType[]): Row {
  return raw.map((value, index) => fromSqliteValue(value, types[index] ?? "unknown"));
}

/** Expression columns have no declared type: take it from the first row's values. */
export function refineColumns(columns: ColumnInfo[], firstRow: SQLOutputValue[] | undefined): ColumnInfo[] {
  if (!firstRow) return columns;
  return columns.map((column, index) =>
    column.type === "unknown" && column.nativeType === ""
      ? { ...column, type: portableTypeOfValue(firstRow[index] ?? null) }
      : column,
  );
}

export class SqliteRowCursor implements Cursor {
  private closed = false;
  private exhausted = false;
  private readonly types: PortableType[];

  constructor(
    private readonly iterator: RowIterator,
    readonly columns: ColumnInfo[],
    private buffered: SQLOutputValue[] | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly onClose: () => void,
  ) {
    this.types = columns.map((c) => c.type);
    if (!buffered) this.exhausted = true;
  }

  readonly rowsAffected = 0;

  async next(maxRows: number): Promise<Row[]> {
    if (this.closed || this.exhausted) return [];
    const rows: Row[] = [];
    if (this.buffered) {
      rows.push(mapRow(this.buffered, this.types));
      this.buffered = undefined;
    }
    try {
      while (rows.length < maxRows) {
        throwIfAborted(this.signal);
        const sliceEnd = Math.min(maxRows, rows.length + ROWS_PER_SLICE);
        while (rows.length < sliceEnd) {
          const step = this.iterator.next();
          if (step.done) {
            this.exhausted = true;
            return rows;
          }
          rows.push(mapRow(step.value, this.types));
        }
        if (rows.length < maxRows) await yieldToEventLoop();
      }
    } catch (error) {
      await this.close();
      throw mapSqliteError(error);
    }
    return rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Resets the statement so SQLite releases its read lock now, not when it is garbage-collected.
    try {
      this.iterator.return?.();
    } catch {
      // already finalized with its connection
    }
    this.onClose();
  }
}

/** A statement that returns no rows, already run. */
export class SqliteChangesCursor implements Cursor {
  readonly columns: ColumnInfo[] = [];
  readonly rowsAffected: number;

  constructor(result: StatementResultingChanges) {
    this.rowsAffected = Number(result.changes);
  }

  async next(): Promise<Row[]> {
    return [];
  }

  async close(): Promise<void> {}
}
