// One PostgreSQL connection = one pg.Client. Values come back as text and are mapped by type OID
// (types.ts); statements are always sent with the extended protocol, so one request is one statement.
//
// One statement at a time per connection (the protocol's rule): while a cursor is open, other statements
// on the same connection wait until it is closed or read to its end.
//
// Limits: openCursor on a prepared statement runs its SQL text in an unnamed portal (pg-cursor has no
// named statements); Execute with maxRows on a prepared statement fetches all rows and truncates.
//
// Loss: the client's 'error' and 'end' events mark the connection lost at any moment (idle, lent, mid-cursor,
// mid-cancel); every wait on the client is raced against that (ConnectionLiveness), so an in-flight statement
// fails with UNAVAILABLE at once instead of waiting for a reply that cannot come. A cancelled statement whose
// cancel request the server has not even taken within cancelGraceMs (a frozen or partitioned server) is
// abandoned: the socket is destroyed and the call fails with DEADLINE_EXCEEDED on time. One whose cancel was
// taken (the server is alive, only slow) gets four grace periods before the same happens.
import type pg from "pg";
import type { Logger } from "pino";
import type { ParsedStatement } from "../../../core/parsed-statement.js";
import { dialectFor } from "../../../sql/dialects.js";
import { copiesWithClient } from "../../../sql/postgres/classify-tree.js";
import { ConnectionLiveness } from "../../connection-liveness.js";
import type {
  Connection,
  Cursor,
  ExecOptions,
  ExecResult,
  IsolationLevel,
  PreparedStatement,
  PrepareOptions,
  StatementRef,
  TableDescription,
  TableFilter,
  TableInfo,
} from "../../driver.js";
import { DbError } from "../../errors.js";
import { nextConnectionId } from "../../pool-connection-ids.js";
import type { SqlValue } from "../../values.js";
import { sendCancelRequest } from "./cancel.js";
import { type CursorHost, columnsFrom, PgCursor, rowFrom, rowsAffectedOf } from "./cursor.js";
import { mapPgError } from "./errors.js";
import { describeTable, listTables } from "./metadata.js";
import { backendKeyOf, destroySocket, forgetParsed, isParsed } from "./pg-internals.js";
import { RAW_TEXT_TYPES, toPgParam } from "./types.js";

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  default: "",
  read_uncommitted: " ISOLATION LEVEL READ UNCOMMITTED",
  read_committed: " ISOLATION LEVEL READ COMMITTED",
  repeatable_read: " ISOLATION LEVEL REPEATABLE READ",
  serializable: " ISOLATION LEVEL SERIALIZABLE",
};

/** A statement still running this long after its cancel was sent is abandoned with its connection. */
export const DEFAULT_CANCEL_GRACE_MS = 500;
/** A statement whose cancel the server took is abandoned only after this many grace periods. */
const ACKNOWLEDGED_CANCEL_FACTOR = 4;
/** close() waits this long for the server to acknowledge Terminate before it destroys the socket. */
const CLOSE_GRACE_MS = 1000;

export interface PostgresConnectionOptions {
  logger?: Logger;
  cancelGraceMs?: number;
}

function timeoutError(cause?: unknown): DbError {
  return new DbError("timeout", "statement cancelled (timeout or client cancel)", { sqlstate: "57014", cause });
}

export class PostgresConnection implements Connection {
  readonly id = nextConnectionId();
  readonly driver = "postgres" as const;
  private brokenFlag = false;
  private preparedSeq = 0;
  private readonly liveness = new ConnectionLiveness();
  private readonly logger: Logger | undefined;
  private readonly cancelGraceMs: number;

  constructor(
    private readonly client: pg.Client,
    private readonly cancelTarget: { host: string; port: number },
    private readonly typeNames: ReadonlyMap<number, string>,
    options: PostgresConnectionOptions = {},
  ) {
    this.logger = options.logger;
    this.cancelGraceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
    // Without a listener, a socket error after connect would crash the process.
    client.on("error", (error) => {
      this.brokenFlag = true;
      const mapped = mapPgError(error);
      if (!this.liveness.lost) {
        this.logger?.warn({ connectionId: this.id, err: mapped.message }, "postgres connection error");
      }
      // The server's own words (e.g. "terminating connection due to administrator command") may reach the
      // client; a socket error's text may name an address, so it does not.
      this.liveness.markLost(lostError(mapped.sqlstate ? mapped.message : "the socket failed", error));
    });
    client.on("end", () => {
      this.brokenFlag = true;
      this.liveness.markLost(lostError("connection closed", undefined));
    });
  }

  get broken(): boolean {
    return this.brokenFlag;
  }

  onLost(listener: (reason: DbError) => void): () => void {
    return this.liveness.onLost(listener);
  }

  get inTransaction(): boolean {
    const status = this.client.getTransactionStatus();
    return status === "T" || status === "E";
  }

  async serverVersion(): Promise<string> {
    const result = await this.query("SHOW server_version");
    return `PostgreSQL ${String(result.rows[0]?.server_version ?? "").split(" ")[0]}`;
  }

  async validate(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw timeoutError();
    await this.cancellable(this.liveness.guard(this.client.query("SELECT 1")), signal);
  }

  async execute(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<ExecResult> {
    if (options.signal?.aborted) throw timeoutError();
    const { text, values, name } = this.resolve(statement, params);
    if (options.maxRows !== undefined && name === undefined) {
      // A portal read of maxRows + 1 rows tells "truncated" without fetching the rest.
      const cursor = await PgCursor.open(
        this.client,
        text,
        values,
        options.signal,
        this.cursorHost,
        this.typeNames,
        RAW_TEXT_TYPES,
        options.maxRows + 1,
      );
      try {
        const rows = await cursor.next(options.maxRows + 1);
        const truncated = rows.length > options.maxRows;
        if (truncated) rows.length = options.maxRows;
        await cursor.close(); // rowsAffected is final once the portal is closed
        return { columns: cursor.columns, rows, rowsAffected: cursor.rowsAffected, truncated };
      } finally {
        await cursor.close();
      }
    }
    const config = { text, values, name, rowMode: "array" as const, types: RAW_TEXT_TYPES, queryMode: "extended" };
    const result = await this.cancellable(
      this.liveness.guard(this.client.query(config as pg.QueryArrayConfig)),
      options.signal,
    );
    const fields = result.fields ?? [];
    let rows = (result.rows as unknown[][]).map((r) => rowFrom(r, fields));
    let truncated = false;
    if (options.maxRows !== undefined && rows.length > options.maxRows) {
      rows = rows.slice(0, options.maxRows);
      truncated = true;
    }
    return {
      columns: columnsFrom(fields, this.typeNames),
      rows,
      rowsAffected: rowsAffectedOf(result.command, result.rowCount),
      truncated,
    };
  }

  async openCursor(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<Cursor> {
    if (options.signal?.aborted) throw timeoutError();
    const { text, values } = this.resolve(statement, params);
    return await PgCursor.open(
      this.client,
      text,
      values,
      options.signal,
      this.cursorHost,
      this.typeNames,
      RAW_TEXT_TYPES,
    );
  }

  async prepare(sql: string, options: PrepareOptions = {}): Promise<PreparedStatement> {
    const { sql: text, count } = this.translate({ sql, parsed: options.parsed });
    this.preparedSeq += 1;
    const id = `igp_${this.id}_${this.preparedSeq}`;
    // pg parses a named statement lazily at its first execution; PREPARE + DEALLOCATE checks syntax and
    // names now, so a bad statement fails at Prepare, where the client expects it.
    const check = `${id}_check`;
    await this.query(`PREPARE ${check} AS ${text}`);
    await this.query(`DEALLOCATE ${check}`);
    return { id, sql: text, parameterCount: count };
  }

  async closePrepared(statement: PreparedStatement): Promise<void> {
    // pg parses a named statement at its first execution: one never executed has nothing to deallocate.
    if (!isParsed(this.client, statement.id)) return;
    await this.query(`DEALLOCATE ${statement.id}`);
    forgetParsed(this.client, statement.id);
  }

  async begin(isolation: IsolationLevel, readOnly: boolean): Promise<void> {
    if (this.inTransaction)
      throw new DbError("transaction_state", "a transaction is already active", { sqlstate: "25001" });
    await this.query(`BEGIN${ISOLATION_SQL[isolation]}${readOnly ? " READ ONLY" : ""}`);
  }

  async commit(): Promise<void> {
    if (!this.inTransaction)
      throw new DbError("transaction_state", "there is no transaction in progress", { sqlstate: "25P01" });
    const result = await this.query("COMMIT");
    // COMMIT of a transaction that had failed rolls back and says so only in the command tag.
    if (result.command === "ROLLBACK") {
      throw new DbError("transaction_state", "the transaction had failed and was rolled back", { sqlstate: "25P02" });
    }
  }

  async rollback(): Promise<void> {
    if (!this.inTransaction)
      throw new DbError("transaction_state", "there is no transaction in progress", { sqlstate: "25P01" });
    await this.query("ROLLBACK");
  }

  async listTables(filter: TableFilter): Promise<TableInfo[]> {
    return await listTables((text, values) => this.query(text, values), filter);
  }

  async describeTable(schema: string | undefined, table: string): Promise<TableDescription> {
    return await describeTable((text, values) => this.query(text, values), schema, table);
  }

  /** Ends the session politely; a server that does not answer within CLOSE_GRACE_MS gets its socket destroyed.
   * A statement still running is cancelled first: the server would otherwise run it to its end. */
  async close(): Promise<void> {
    this.brokenFlag = true;
    if (this.liveness.lost) {
      this.destroySocket();
      return;
    }
    // Closed under a running statement (reclaimed, pool shutdown): the server would run it to its end.
    if (this.liveness.busy) void this.cancelInDatabase();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    await Promise.race([this.client.end().catch(() => {}), grace]);
    clearTimeout(timer);
    this.destroySocket();
  }

  /** Internal statements (metadata, transaction control): default pg parsing, errors mapped. */
  private async query(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.liveness.guard(this.client.query({ text, values, queryMode: "extended" } as pg.QueryConfig));
    } catch (error) {
      throw this.noteBroken(mapPgError(error));
    }
  }

  private destroySocket(): void {
    destroySocket(this.client);
  }

  /** The server did not settle a cancelled statement in time: give up on the connection so the call returns. */
  private abandon(): void {
    if (this.liveness.lost) return;
    this.brokenFlag = true;
    this.logger?.warn(
      { connectionId: this.id, cancelGraceMs: this.cancelGraceMs },
      "postgres connection abandoned: a cancelled statement did not settle (server frozen or unreachable)",
    );
    this.liveness.markLost(
      new DbError(
        "timeout",
        `statement cancelled (timeout or client cancel); the database did not answer within ${this.cancelGraceMs} ms, the connection was closed`,
        { sqlstate: "57014", connectionBroken: true },
      ),
    );
    this.destroySocket();
  }

  /** An error that ends the connection (server termination, socket failure) marks it lost before the caller
   * hears of it, so the pool's books have already moved on when the holder reacts. */
  private noteBroken(error: DbError): DbError {
    if (error.connectionBroken) {
      this.brokenFlag = true;
      this.liveness.markLost(error);
    }
    return error;
  }

  /** The text to send: the service's one parse, or (tools, tests) a parse with PostgreSQL's own parser now. */
  private translate(statement: { sql: string; parsed?: ParsedStatement | undefined }): { sql: string; count: number } {
    try {
      const parsed =
        statement.parsed?.dialect === "postgres" ? statement.parsed : dialectFor("postgres").parse(statement.sql);
      if (parsed.statements.some(copiesWithClient)) {
        throw new DbError("unsupported", "COPY ... TO STDOUT / FROM STDIN is not supported: use SELECT or INSERT");
      }
      return { sql: parsed.driverSql, count: parsed.placeholderCount };
    } catch (error) {
      if (error instanceof DbError) throw error;
      throw new DbError("invalid_statement", error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  private resolve(statement: StatementRef, params: SqlValue[]): { text: string; values: unknown[]; name?: string } {
    let text: string;
    let count: number;
    let name: string | undefined;
    if ("prepared" in statement) {
      text = statement.prepared.sql;
      count = statement.prepared.parameterCount;
      name = statement.prepared.id;
    } else {
      ({ sql: text, count } = this.translate(statement));
    }
    if (count !== params.length) {
      throw new DbError("invalid_statement", `statement has ${count} parameter(s), ${params.length} given`);
    }
    return { text, values: params.map(toPgParam), name };
  }

  private readonly cursorHost: CursorHost = ((connection: PostgresConnection) => ({
    cancellable: (work, signal) => connection.cancellable(work, signal),
    guard: (work) => connection.liveness.guard(work),
    bounded: (work) => connection.bounded(work),
    get lost() {
      return connection.liveness.lost !== undefined;
    },
  }))(this);

  /** guard with a bound: a server that does not answer within cancelGraceMs gets the connection abandoned. */
  private async bounded<T>(work: Promise<T>): Promise<T> {
    const timer = setTimeout(() => this.abandon(), this.cancelGraceMs);
    timer.unref();
    try {
      return await this.liveness.guard(work);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Awaits a statement; if the signal fires meanwhile, cancels it in the database and rejects as timeout. */
  private readonly cancellable = async <T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    if (!signal) {
      try {
        return await work;
      } catch (error) {
        throw this.noteBroken(mapPgError(error));
      }
    }
    let cancelled = false;
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      cancelled = true;
      let acknowledged = false;
      void this.cancelInDatabase().then((ok) => {
        acknowledged = ok;
      });
      // No answer to the cancel itself within the grace: the server is frozen or out of reach. A server that
      // took the cancel is alive and ends the statement soon; it gets ACKNOWLEDGED_CANCEL_FACTOR times longer.
      grace = setTimeout(() => {
        if (!acknowledged) return this.abandon();
        grace = setTimeout(() => this.abandon(), this.cancelGraceMs * (ACKNOWLEDGED_CANCEL_FACTOR - 1));
        grace.unref();
      }, this.cancelGraceMs);
      grace.unref();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    try {
      return await work;
    } catch (error) {
      const mapped = this.noteBroken(mapPgError(error));
      if (cancelled && mapped.kind === "timeout" && !mapped.connectionBroken) throw timeoutError(error);
      throw mapped;
    } finally {
      clearTimeout(grace);
      signal.removeEventListener("abort", onAbort);
    }
  };

  /** Resolves true once the server has taken the cancel request (it closes the socket after reading it). */
  private async cancelInDatabase(): Promise<boolean> {
    const key = backendKeyOf(this.client);
    if (!key) return false;
    try {
      await sendCancelRequest(this.cancelTarget.host, this.cancelTarget.port, key.processId, key.secretKey);
      return true;
    } catch (error) {
      this.logger?.warn({ connectionId: this.id, err: (error as Error).message }, "postgres cancel request failed");
      return false;
    }
  }
}

function lostError(detail: string, cause: unknown): DbError {
  return new DbError("unavailable", `connection to the database lost (${detail})`, {
    connectionBroken: true,
    cause,
  });
}
