// One Informix connection on ibm_db's promise API. Statements are prepared, executed and read through
// InformixCursor in batches; DECIMAL columns wider than a double can carry are re-fetched as text
// (exact-decimal.ts). ibm_db has no cancel call (no SQLCancel binding), so an aborted statement cannot be
// interrupted in the server: the call is abandoned, the connection is marked broken and the pool closes
// it, which ends the session and with it the statement in the database.

import type { Logger } from "pino";
import { echo } from "../../../core/client-text.js";
import { countPlaceholders } from "../../../sql/placeholders.js";
import { SqlSyntaxError } from "../../../sql/tokenizer.js";
import type {
  Connection,
  Cursor,
  ExecOptions,
  ExecResult,
  IsolationLevel,
  PreparedStatement,
  StatementRef,
  TableDescription,
  TableFilter,
  TableInfo,
} from "../../driver.js";
import { DbError } from "../../errors.js";
import { nextConnectionId } from "../../pool-connection-ids.js";
import type { ColumnInfo, Row, SqlValue } from "../../values.js";
import { InformixCursor } from "./cursor.js";
import { toDbError } from "./error-mapping.js";
import { isRewritableQuery, RewriteCache, textFetchColumns, wrapForTextFetch } from "./exact-decimal.js";
import type { IbmDbDatabase, IbmDbModule, IbmDbResult, IbmDbStatement } from "./ibm-db-api.js";
import { describeTableQueries, listTablesQuery, toTableDescription } from "./metadata.js";
import { toIbmDbParams } from "./param-binding.js";
import { columnInfoOf } from "./value-mapping.js";

export const VALIDATION_QUERY = "SELECT 1 FROM sysmaster:sysdual";
export const VERSION_QUERY = "SELECT DBINFO('version','full') FROM sysmaster:sysdual";

/** Portable isolation -> Informix SET ISOLATION. Informix REPEATABLE READ is its serializable level. */
export const ISOLATION_STATEMENTS: Record<Exclude<IsolationLevel, "default">, string> = {
  read_uncommitted: "SET ISOLATION TO DIRTY READ",
  read_committed: "SET ISOLATION TO COMMITTED READ",
  repeatable_read: "SET ISOLATION TO REPEATABLE READ",
  serializable: "SET ISOLATION TO REPEATABLE READ",
};
/** What "default" restores after another level was used on this pooled connection. */
export const DEFAULT_ISOLATION_STATEMENT = "SET ISOLATION TO COMMITTED READ";
export const READ_ONLY_STATEMENT = "SET TRANSACTION READ ONLY";

let nextPreparedId = 1;

interface PreparedEntry {
  statement: PreparedStatement;
  handle: IbmDbStatement;
}

/** Columns known after one execution: ColumnInfo to report, and which positions needed text fetch. */
interface ShapeMemo {
  columns: ColumnInfo[];
  textColumns: number[];
}

export class InformixConnection implements Connection {
  readonly id = nextConnectionId();
  readonly driver = "informix" as const;
  private isBroken = false;
  private transactionOpen = false;
  private isolationChanged = false;
  private version: string | undefined;
  private readonly prepared = new Map<string, PreparedEntry>();
  private readonly shapes = new RewriteCache<ShapeMemo | null>();

  constructor(
    private readonly ibmdb: IbmDbModule,
    private readonly db: IbmDbDatabase,
    private readonly logger: Logger,
  ) {}

  get broken(): boolean {
    return this.isBroken;
  }

  get inTransaction(): boolean {
    return this.transactionOpen;
  }

  async serverVersion(): Promise<string> {
    if (this.version === undefined) {
      const rows = await this.queryRows(VERSION_QUERY, []);
      const cell = rows[0]?.[0];
      this.version = cell && cell.kind === "string" ? cell.value.trim() : "IBM Informix Dynamic Server";
    }
    return this.version;
  }

  async validate(signal?: AbortSignal): Promise<void> {
    await this.execute({ sql: VALIDATION_QUERY }, [], { signal });
  }

  async execute(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<ExecResult> {
    const cursor = await this.openCursor(statement, params, options);
    try {
      const rows: Row[] = [];
      const limit = options.maxRows ?? Number.POSITIVE_INFINITY;
      let truncated = false;
      for (;;) {
        // Ask for one row past the limit so "exactly maxRows" and "more than maxRows" differ.
        const want = Math.min(1000, limit - rows.length + 1);
        const batch = await cursor.next(want);
        if (batch.length === 0) break;
        for (const row of batch) {
          if (rows.length < limit) rows.push(row);
          else truncated = true;
        }
        if (truncated || batch.length < want) break;
      }
      return { columns: cursor.columns, rows, rowsAffected: cursor.rowsAffected, truncated };
    } finally {
      await cursor.close();
    }
  }

  async openCursor(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<Cursor> {
    this.assertUsable();
    const boundParams = toIbmDbParams(params);
    const guard = <T>(work: () => Promise<T>) => this.withSignal(options.signal, work);
    const sql = "sql" in statement ? statement.sql : statement.prepared.sql;
    const preparedHandle = "prepared" in statement ? this.preparedHandle(statement.prepared) : undefined;
    const memo = this.shapes.get(sql);

    if (memo && memo.textColumns.length > 0) {
      return this.runRewritten(sql, memo, boundParams, guard);
    }
    const handle = preparedHandle ?? (await guard(() => this.db.prepare(sql)));
    const owned = preparedHandle ? undefined : handle;
    let result: IbmDbResult;
    try {
      result = unwrapResult(await guard(() => handle.execute(boundParams)));
    } catch (error) {
      if (owned) safeDrop(owned, this.ibmdb);
      throw error;
    }
    const metas = result.getColumnMetadataSync() ?? [];
    const columns = metas.map(columnInfoOf);
    const textColumns = textFetchColumns(metas);
    if (columns.length > 0 && textColumns.length > 0 && isRewritableQuery(sql)) {
      // Cheap: no row has been fetched yet. The shape is remembered so the next run skips this step.
      safeClose(result);
      if (owned) safeDrop(owned, this.ibmdb);
      const shape = { columns, textColumns };
      this.shapes.set(sql, shape);
      return this.runRewritten(sql, shape, boundParams, guard);
    }
    if (columns.length > 0) this.shapes.set(sql, null);
    const rowsAffected = columns.length === 0 ? Math.max(0, result.getAffectedRowsSync()) : 0;
    return new InformixCursor({ ibmdb: this.ibmdb, result, columns, ownedStatement: owned, rowsAffected, guard });
  }

  private async runRewritten(
    sql: string,
    shape: ShapeMemo,
    params: ReturnType<typeof toIbmDbParams>,
    guard: <T>(work: () => Promise<T>) => Promise<T>,
  ): Promise<Cursor> {
    const wrapped = wrapForTextFetch(sql, shape.columns.length, shape.textColumns);
    let handle: IbmDbStatement;
    try {
      handle = await guard(() => this.db.prepare(wrapped));
    } catch (error) {
      throw notNestable(error);
    }
    try {
      const result = unwrapResult(await guard(() => handle.execute(params)));
      return new InformixCursor({
        ibmdb: this.ibmdb,
        result,
        columns: shape.columns,
        ownedStatement: handle,
        rowsAffected: 0,
        guard,
      });
    } catch (error) {
      safeDrop(handle, this.ibmdb);
      // With the CLI's deferred prepare, a statement the server cannot nest fails here rather than in prepare.
      throw notNestable(error);
    }
  }

  async prepare(sql: string): Promise<PreparedStatement> {
    this.assertUsable();
    let parameterCount: number;
    try {
      parameterCount = countPlaceholders(sql);
    } catch (error) {
      if (error instanceof SqlSyntaxError) throw new DbError("invalid_statement", error.message);
      throw error;
    }
    const handle = await this.withSignal(undefined, () => this.db.prepare(sql));
    const statement: PreparedStatement = { id: `ifx-${this.id}-${nextPreparedId++}`, sql, parameterCount };
    this.prepared.set(statement.id, { statement, handle });
    return statement;
  }

  async closePrepared(statement: PreparedStatement): Promise<void> {
    const entry = this.prepared.get(statement.id);
    if (!entry) return;
    this.prepared.delete(statement.id);
    safeDrop(entry.handle, this.ibmdb);
  }

  async begin(isolation: IsolationLevel, readOnly: boolean): Promise<void> {
    this.assertUsable();
    if (this.transactionOpen) throw new DbError("transaction_state", "a transaction is already open");
    if (isolation !== "default") {
      await this.runSql(ISOLATION_STATEMENTS[isolation]);
      this.isolationChanged = true;
    } else if (this.isolationChanged) {
      await this.runSql(DEFAULT_ISOLATION_STATEMENT);
      this.isolationChanged = false;
    }
    await this.withSignal(undefined, () => this.db.beginTransaction());
    this.transactionOpen = true;
    if (readOnly) {
      try {
        await this.runSql(READ_ONLY_STATEMENT);
      } catch (error) {
        await this.rollback().catch(() => undefined);
        throw error;
      }
    }
  }

  async commit(): Promise<void> {
    if (!this.transactionOpen) throw new DbError("transaction_state", "no transaction is open");
    try {
      await this.withSignal(undefined, () => this.db.commitTransaction());
    } finally {
      this.transactionOpen = false;
    }
  }

  async rollback(): Promise<void> {
    if (!this.transactionOpen) throw new DbError("transaction_state", "no transaction is open");
    try {
      await this.withSignal(undefined, () => this.db.rollbackTransaction());
    } finally {
      this.transactionOpen = false;
    }
  }

  async listTables(filter: TableFilter): Promise<TableInfo[]> {
    const query = listTablesQuery(filter);
    const rows = await this.queryRows(query.sql, query.params);
    return rows.map((row) => ({
      schema: textOf(row[0]),
      name: textOf(row[1]),
      kind: textOf(row[2]) === "V" ? "view" : "table",
    }));
  }

  async describeTable(schema: string | undefined, table: string): Promise<TableDescription> {
    const queries = describeTableQueries(schema, table);
    const found = await this.queryRows(queries.table.sql, queries.table.params);
    const head = found[0];
    if (!head) {
      throw new DbError("undefined_object", `table ${echo(schema ? `${schema}.${table}` : table)} does not exist`);
    }
    const tabid = head[0] as SqlValue;
    const columns = await this.queryRows(queries.columns, [tabid]);
    const indexes = await this.queryRows(queries.indexes, [tabid]);
    return toTableDescription(head, columns, indexes);
  }

  async close(): Promise<void> {
    for (const entry of this.prepared.values()) safeDrop(entry.handle, this.ibmdb);
    this.prepared.clear();
    this.isBroken = true;
    try {
      await this.db.close();
    } catch (error) {
      this.logger.debug({ err: toDbError(error).message, connection: this.id }, "informix close failed");
    }
  }

  private async queryRows(sql: string, params: SqlValue[]): Promise<Row[]> {
    return (await this.execute({ sql }, params, {})).rows;
  }

  private async runSql(sql: string): Promise<void> {
    await this.execute({ sql }, [], {});
  }

  private preparedHandle(statement: PreparedStatement): IbmDbStatement {
    const entry = this.prepared.get(statement.id);
    if (!entry)
      throw new DbError("invalid_statement", `prepared statement ${statement.id} is not open on this connection`);
    return entry.handle;
  }

  private assertUsable(): void {
    if (this.isBroken)
      throw new DbError("unavailable", "the Informix connection is closed", { connectionBroken: true });
  }

  /**
   * Runs one ibm_db call, maps its errors, and honours the abort signal. ibm_db cannot cancel a running
   * call, so on abort the call is left to finish in the background and the connection is retired.
   */
  private async withSignal<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw cancelled();
    const running = work().catch((error: unknown) => {
      const mapped = toDbError(error);
      if (mapped.connectionBroken) this.isBroken = true;
      throw mapped;
    });
    if (!signal) return running;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.isBroken = true;
        running.catch(() => undefined);
        this.logger.warn(
          { connection: this.id },
          "informix statement aborted; connection retired (ibm_db cannot cancel)",
        );
        reject(cancelled());
      };
      signal.addEventListener("abort", onAbort, { once: true });
      running.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }
}

/** A syntax error from the wrapped form means the server would not nest this query: say how to get the exact value. */
function notNestable(error: unknown): unknown {
  // Only a syntax error says that: a bad parameter value (-1213, 22xxx) stays the client's invalid_statement.
  const syntax = error instanceof DbError && (error.nativeCode === -201 || (error.sqlstate ?? "").startsWith("42"));
  if (!(error instanceof DbError) || error.kind !== "invalid_statement" || !syntax) return error;
  return new DbError(
    "unsupported",
    `this query returns DECIMAL columns wider than 15 digits that cannot be fetched exactly here (${error.message}); CAST them to LVARCHAR in the query`,
    { sqlstate: error.sqlstate, nativeCode: error.nativeCode, cause: error },
  );
}

function cancelled(): DbError {
  return new DbError(
    "timeout",
    "statement cancelled (deadline or client cancel); the Informix connection was retired",
    {
      connectionBroken: true,
    },
  );
}

function unwrapResult(value: IbmDbResult | [IbmDbResult, unknown[]]): IbmDbResult {
  return Array.isArray(value) ? value[0] : value;
}

function safeClose(result: IbmDbResult): void {
  try {
    result.closeSync();
  } catch {
    // already closed
  }
}

function safeDrop(statement: IbmDbStatement, ibmdb: IbmDbModule): void {
  try {
    statement.closeSync(ibmdb.SQL_DROP);
  } catch {
    // already freed
  }
}

function textOf(value: SqlValue | undefined): string {
  if (!value || value.kind === "null") return "";
  return String(value.value).trim();
}
