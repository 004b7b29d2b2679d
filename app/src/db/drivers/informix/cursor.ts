// A server-side cursor over one executed ibm_db statement, fetched in batches with fetchN (never
// fetchAll), so a large result never sits in memory whole.
import type { Cursor } from "../../driver.js";
import type { ColumnInfo, Row } from "../../values.js";
import type { IbmDbModule, IbmDbResult, IbmDbStatement } from "./ibm-db-api.js";
import { toSqlValue } from "./value-mapping.js";

export interface CursorParts {
  ibmdb: IbmDbModule;
  result: IbmDbResult;
  columns: ColumnInfo[];
  /** Set when the statement handle belongs to this cursor (dropped on close); unset for client-prepared ones. */
  ownedStatement?: IbmDbStatement;
  rowsAffected: number;
  /** Runs one driver call with cancellation and error mapping (the connection's guard). */
  guard: <T>(work: () => Promise<T>) => Promise<T>;
}

export class InformixCursor implements Cursor {
  readonly columns: ColumnInfo[];
  private readonly parts: CursorParts;
  private exhausted: boolean;
  private closed = false;

  constructor(parts: CursorParts) {
    this.parts = parts;
    this.columns = parts.columns;
    this.exhausted = parts.columns.length === 0;
  }

  get rowsAffected(): number {
    return this.parts.rowsAffected;
  }

  async next(maxRows: number): Promise<Row[]> {
    if (this.exhausted || this.closed) return [];
    const count = Math.max(1, Math.floor(maxRows));
    const { result, ibmdb, guard } = this.parts;
    let raw: Awaited<ReturnType<IbmDbResult["fetchN"]>>;
    try {
      raw = await guard(() => result.fetchN(count, { fetchMode: ibmdb.FETCH_ARRAY }));
    } catch (error) {
      await this.close();
      throw error;
    }
    const rows = raw.map((cells) => this.columns.map((column, i) => toSqlValue(cells[i], column)));
    if (raw.length < count) {
      this.exhausted = true;
      await this.close(); // free the statement as soon as the last row is read
    }
    return rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.exhausted = true;
    try {
      this.parts.result.closeSync();
    } catch {
      // the cursor may already be gone with a broken connection
    }
    if (this.parts.ownedStatement) {
      try {
        this.parts.ownedStatement.closeSync(this.parts.ibmdb.SQL_DROP);
      } catch {
        // same
      }
    }
  }
}
