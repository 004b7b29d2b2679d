// A real server-side cursor (pg-cursor: a named portal read in chunks). close() closes the portal at once,
// also mid-result, so the server frees it and its locks.
import type pg from "pg";
import Cursor from "pg-cursor";
import type { Cursor as DriverCursor } from "../../driver.js";
import { DbError } from "../../errors.js";
import type { ColumnInfo, Row } from "../../values.js";
import { mapPgError } from "./errors.js";
import { corked } from "./pg-internals.js";
import { columnInfoOf, fromPgText } from "./types.js";

export function rowFrom(raw: unknown[], fields: pg.FieldDef[]): Row {
  return raw.map((value, index) => fromPgText(value as string | null, fields[index]?.dataTypeID ?? 0));
}

/** Row counts of data-changing commands; a query affects no rows. */
export function rowsAffectedOf(command: string | null | undefined, rowCount: number | null | undefined): number {
  return command && /^(INSERT|UPDATE|DELETE|MERGE|COPY)$/.test(command) ? (rowCount ?? 0) : 0;
}

export function columnsFrom(fields: pg.FieldDef[], typeNames?: ReadonlyMap<number, string>): ColumnInfo[] {
  return fields.map((f) => columnInfoOf(f.name, f.dataTypeID, f.dataTypeModifier, true, typeNames));
}

/** Runs a read against the connection's cancellation: an abort cancels in the database and rejects as timeout. */
export type Cancellable = <T>(work: Promise<T>, signal: AbortSignal | undefined) => Promise<T>;

/** pg-cursor's read, with the query result its callback passes (fields now; command and row count once done). */
function readWithResult(
  cursor: Cursor<unknown[]>,
  rows: number,
): Promise<{ rows: unknown[][]; result: pg.QueryResult }> {
  return new Promise((resolve, reject) => {
    cursor.read(rows, (error, read, result) => (error ? reject(error) : resolve({ rows: read, result })));
  });
}

export class PgCursor implements DriverCursor {
  private closed = false;
  private exhausted = false;
  private buffered: unknown[][];
  private readonly result: pg.QueryResult;
  private readonly fields: pg.FieldDef[];

  private constructor(
    private readonly client: pg.Client,
    private readonly cursor: Cursor<unknown[]>,
    readonly columns: ColumnInfo[],
    first: { rows: unknown[][]; result: pg.QueryResult },
    private readonly signal: AbortSignal | undefined,
    private readonly cancellable: Cancellable,
  ) {
    this.buffered = first.rows;
    this.result = first.result;
    this.fields = first.result.fields;
  }

  /** Submits the statement and reads the first firstRead rows, which also brings the column description. */
  static async open(
    client: pg.Client,
    text: string,
    values: unknown[],
    signal: AbortSignal | undefined,
    cancellable: Cancellable,
    typeNames: ReadonlyMap<number, string>,
    types: pg.CustomTypesConfig,
    firstRead = 1,
  ): Promise<PgCursor> {
    const cursor = corked(client, () => client.query(new Cursor<unknown[]>(text, values, { rowMode: "array", types })));
    let first: { rows: unknown[][]; result: pg.QueryResult };
    try {
      first = await cancellable(readWithResult(cursor, firstRead), signal);
    } catch (error) {
      await cursor.close().catch(() => {});
      throw mapPgError(error);
    }
    // pg-cursor passes the same result object to every read and fills in command and row count at the end.
    const { fields } = first.result;
    const opened = new PgCursor(client, cursor, columnsFrom(fields, typeNames), first, signal, cancellable);
    if (first.rows.length < firstRead) opened.exhausted = true;
    return opened;
  }

  get rowsAffected(): number {
    return rowsAffectedOf(this.result.command, this.result.rowCount);
  }

  async next(maxRows: number): Promise<Row[]> {
    if (this.closed) return [];
    const raw = this.buffered.splice(0, maxRows);
    if (raw.length < maxRows && !this.exhausted) {
      if (this.signal?.aborted) {
        await this.close();
        throw new DbError("timeout", "statement cancelled (timeout or client cancel)");
      }
      let more: unknown[][];
      try {
        more = await this.cancellable(
          corked(this.client, () => this.cursor.read(maxRows - raw.length)),
          this.signal,
        );
      } catch (error) {
        await this.close();
        throw mapPgError(error);
      }
      if (more.length < maxRows - raw.length) this.exhausted = true;
      raw.push(...more);
    }
    return raw.map((r) => rowFrom(r, this.fields));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffered = [];
    await corked(this.client, () => this.cursor.close()).catch(() => {});
  }
}
