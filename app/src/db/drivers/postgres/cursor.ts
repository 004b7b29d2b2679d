// A real server-side cursor (pg-cursor: a named portal read in chunks). close() closes the portal at once,
// also mid-result, so the server frees it and its locks. Reads and the close are raced against the
// connection's loss: pg-cursor's close waits for a ReadyForQuery, which never comes from a dead server.
import type pg from "pg";
import Cursor from "pg-cursor";
import type { Cursor as DriverCursor } from "../../driver.js";
import { DbError } from "../../errors.js";
import type { ColumnInfo, Row } from "../../values.js";
import { mapPgError } from "./errors.js";
import { columnInfoOf, fromPgText } from "./types.js";

interface PgCursorInternals {
  _result: { fields: pg.FieldDef[]; rowCount: number | null; command: string | null };
  state: string;
}

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

/**
 * Runs fn with the client's socket corked until the next tick, so the several protocol messages it writes
 * (Parse, Bind, Describe, Execute, Flush; or Close, Sync) leave as one packet. pg's own Query does the same;
 * pg-cursor does not, and a write per message cost more CPU than the query itself.
 */
function corked<T>(client: pg.Client, fn: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection
    ?.stream;
  stream?.cork?.();
  try {
    return fn();
  } finally {
    process.nextTick(() => stream?.uncork?.());
  }
}

export class PgCursor implements DriverCursor {
  private closed = false;
  private exhausted = false;
  private buffered: unknown[][];

  private constructor(
    private readonly client: pg.Client,
    private readonly cursor: Cursor<unknown[]>,
    readonly columns: ColumnInfo[],
    firstRows: unknown[][],
    private readonly fields: pg.FieldDef[],
    private readonly signal: AbortSignal | undefined,
    private readonly host: CursorHost,
  ) {
    this.buffered = firstRows;
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
    let first: unknown[][];
    try {
      first = await host.cancellable(host.guard(cursor.read(firstRead)), signal);
    } catch (error) {
      await closeQuietly(cursor, client, host);
      throw mapPgError(error);
    }
    const fields = (cursor as unknown as PgCursorInternals)._result.fields;
    const opened = new PgCursor(client, cursor, columnsFrom(fields, typeNames), first, fields, signal, host);
    if (first.length < firstRead) opened.exhausted = true;
    return opened;
  }

  get rowsAffected(): number {
    const result = (this.cursor as unknown as PgCursorInternals)._result;
    return rowsAffectedOf(result.command, result.rowCount);
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
