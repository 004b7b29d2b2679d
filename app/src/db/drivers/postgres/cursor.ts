// A real server-side cursor (pg-cursor: a named portal read in chunks). close() closes the portal at once,
// also mid-result, so the server frees it and its locks. Reads and the close are raced against the
// connection's loss: pg-cursor's close waits for a ReadyForQuery, which never comes from a dead server.
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

/** What a cursor needs from its connection to never wait on a dead or frozen server. */
export interface CursorHost {
  /** Runs a read against the connection's cancellation: an abort cancels in the database and rejects as timeout. */
  cancellable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T>;
  /** Rejects at once when the connection is lost. */
  guard<T>(work: Promise<T>): Promise<T>;
  /** guard, bounded: a server that does not answer in time gets the connection abandoned. */
  bounded<T>(work: Promise<T>): Promise<T>;
  readonly lost: boolean;
}

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
    private readonly host: CursorHost,
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
    host: CursorHost,
    typeNames: ReadonlyMap<number, string>,
    types: pg.CustomTypesConfig,
    firstRead = 1,
  ): Promise<PgCursor> {
    const cursor = corked(client, () => client.query(new Cursor<unknown[]>(text, values, { rowMode: "array", types })));
    let first: { rows: unknown[][]; result: pg.QueryResult };
    try {
      first = await host.cancellable(host.guard(readWithResult(cursor, firstRead)), signal);
    } catch (error) {
      await closeQuietly(cursor, client, host);
      throw mapPgError(error);
    }
    // pg-cursor passes the same result object to every read and fills in command and row count at the end.
    const { fields } = first.result;
    const opened = new PgCursor(client, cursor, columnsFrom(fields, typeNames), first, signal, host);
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
        more = await this.host.cancellable(
          this.host.guard(corked(this.client, () => this.cursor.read(maxRows - raw.length))),
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
    await closeQuietly(this.cursor, this.client, this.host);
  }
}

/** Closes the portal unless the connection is gone (then there is nothing to close and no one to answer). */
async function closeQuietly(cursor: Cursor<unknown[]>, client: pg.Client, host: CursorHost): Promise<void> {
  if (host.lost) return;
  await host.bounded(corked(client, () => cursor.close())).catch(() => {});
}
