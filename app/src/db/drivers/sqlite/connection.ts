// One SQLite connection = one worker thread that owns a DatabaseSync (worker.ts, worker-database.ts). The main
// thread only sends requests and maps the replies, so a long statement never blocks other calls, /healthz,
// metrics or shutdown.
//
// Deadlines: node:sqlite cannot interrupt a statement. When the caller's signal fires (client deadline,
// timeout_ms, cancel) while the worker runs a statement, the call fails at once with DbError("timeout") and the
// worker is given up (worker-client.ts: it never commits after that, and its thread is terminated). The
// connection then gets a fresh worker on the same file, unless something would be lost with the old one (an
// open transaction, prepared statements, an in-memory database) or too many given-up threads are still
// running: then it reports itself broken and the pool or the session replaces it.
import type { Logger } from "pino";
import type { ParsedStatement, StatementClass } from "../../../core/parsed-statement.js";
import { dialectFor } from "../../../sql/dialects.js";
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
import { abandonedThreads } from "./abandoned-threads.js";
import { mapRows, SqliteWorkerCursor } from "./cursor.js";
import type { AllowedClasses, Operation, Operations, StatementTarget } from "./protocol.js";
import { toSqliteParam } from "./values.js";
import { CANCELLED_MESSAGE, SqliteWorker } from "./worker-client.js";

export const IN_MEMORY = ":memory:";

/** Rows read together with the opening of a cursor (the first one types the expression columns). */
export const FIRST_BATCH_ROWS = 100;

export interface SqliteConnectionOptions {
  path: string;
  readOnly: boolean;
  /** How long a statement waits for another connection's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Given-up worker threads of this database file still running, above which no fresh worker is started. */
  maxAbandonedThreads?: number;
  /** Where workers come from (the driver's standby); by default each is started when needed. */
  workers?: () => SqliteWorker;
  logger?: Logger;
}

const CLOSE_TIMEOUT_MS = 2000;

/** The caller's grant classes, as the worker's authorizer takes them (authorizer.ts, the second wall). */
function allowedOf(permits: ReadonlySet<StatementClass> | undefined): AllowedClasses {
  return permits ? [...permits] : undefined;
}

/** Placeholders of a single statement. SQLite would silently ignore everything after the first one. */
function placeholderCount(statement: { sql: string; parsed?: ParsedStatement | undefined }): number {
  try {
    const parsed = statement.parsed ?? dialectFor("sqlite").parse(statement.sql);
    if (parsed.statements.length > 1) {
      throw new DbError("invalid_statement", "one statement per request: the SQL text holds several");
    }
    return parsed.placeholderCount;
  } catch (error) {
    if (error instanceof DbError) throw error;
    throw new DbError("invalid_statement", error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function checkParameterCount(expected: number, actual: number): void {
  // SQLite itself would bind NULL to missing parameters without complaint.
  if (expected !== actual) {
    throw new DbError("invalid_statement", `statement has ${expected} parameter(s), ${actual} given`);
  }
}
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export class SqliteConnection implements Connection {
  readonly id = nextConnectionId();
  readonly driver = "sqlite" as const;
  private worker: SqliteWorker;
  private transaction = false;
  private brokenFlag = false;
  private closed = false;
  private readonly prepared = new Set<string>();

  constructor(private readonly options: SqliteConnectionOptions) {
    this.worker = this.startWorker();
  }

  /** Opens a connection and waits for its worker to have the database open. */
  static async open(options: SqliteConnectionOptions): Promise<SqliteConnection> {
    const connection = new SqliteConnection(options);
    try {
      await connection.worker.ready;
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  get broken(): boolean {
    return this.brokenFlag || this.closed;
  }

  get inTransaction(): boolean {
    return this.transaction;
  }

  async serverVersion(): Promise<string> {
    return this.call("version", {});
  }

  async validate(signal?: AbortSignal): Promise<void> {
    await this.call("validate", {}, signal);
  }

  /** Runs a script of plain SQL without parameters (the demo loader). */
  async exec(sql: string): Promise<void> {
    await this.call("exec", { sql });
  }

  async execute(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<ExecResult> {
    const reply = await this.call(
      "execute",
      { ...this.target(statement, params), maxRows: options.maxRows, allowed: allowedOf(options.permits) },
      options.signal,
    );
    return {
      columns: reply.columns,
      rows: mapRows(reply.rows, reply.columns),
      rowsAffected: reply.rowsAffected,
      truncated: reply.truncated,
    };
  }

  async openCursor(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<Cursor> {
    const reply = await this.call(
      "openCursor",
      { ...this.target(statement, params), firstBatch: FIRST_BATCH_ROWS, allowed: allowedOf(options.permits) },
      options.signal,
    );
    return new SqliteWorkerCursor(reply, options.signal, {
      fetch: (cursorId, maxRows, signal) => this.call("fetch", { cursorId, maxRows }, signal),
      close: async (cursorId) => {
        if (!this.broken) await this.call("closeCursor", { cursorId });
      },
    });
  }

  async prepare(sql: string, options: PrepareOptions = {}): Promise<PreparedStatement> {
    const parameterCount = placeholderCount({ sql, parsed: options.parsed });
    const { id } = await this.call("prepare", { sql, allowed: allowedOf(options.permits) });
    this.prepared.add(id);
    return { id, sql, parameterCount };
  }

  async closePrepared(statement: PreparedStatement): Promise<void> {
    if (!this.prepared.delete(statement.id)) return;
    await this.call("closePrepared", { statementId: statement.id });
  }

  async begin(isolation: IsolationLevel, readOnly: boolean): Promise<void> {
    if (this.inTransaction) throw new DbError("transaction_state", "a transaction is already active");
    await this.call("begin", { isolation, readOnly });
  }

  async commit(): Promise<void> {
    if (!this.inTransaction) throw new DbError("transaction_state", "cannot commit - no transaction is active");
    await this.call("commit", {});
  }

  async rollback(): Promise<void> {
    if (!this.inTransaction) throw new DbError("transaction_state", "cannot rollback - no transaction is active");
    await this.call("rollback", {});
  }

  async listTables(filter: TableFilter): Promise<TableInfo[]> {
    return this.call("listTables", { filter });
  }

  async describeTable(schema: string | undefined, table: string): Promise<TableDescription> {
    return this.call("describeTable", { schema, table });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.transaction = false;
    this.prepared.clear();
    await this.worker.close(CLOSE_TIMEOUT_MS);
  }

  private target(
    statement: StatementRef,
    params: SqlValue[],
  ): { statement: StatementTarget; params: ReturnType<typeof toSqliteParam>[] } {
    if ("prepared" in statement) {
      if (!this.prepared.has(statement.prepared.id)) {
        throw new DbError(
          "undefined_object",
          `prepared statement ${statement.prepared.id} is not open on this connection`,
        );
      }
      checkParameterCount(statement.prepared.parameterCount, params.length);
      return { statement: { preparedId: statement.prepared.id }, params: params.map(toSqliteParam) };
    }
    const placeholders = placeholderCount(statement);
    checkParameterCount(placeholders, params.length);
    return { statement: { sql: statement.sql, placeholders }, params: params.map(toSqliteParam) };
  }

  private async call<K extends Operation>(
    op: K,
    args: Operations[K]["args"],
    signal?: AbortSignal,
  ): Promise<Operations[K]["reply"]> {
    if (signal?.aborted) throw new DbError("timeout", CANCELLED_MESSAGE);
    if (this.closed) throw new DbError("unavailable", "the SQLite connection is closed", { connectionBroken: true });
    if (this.brokenFlag) throw new DbError("unavailable", "the SQLite connection was lost", { connectionBroken: true });
    const worker = this.worker;
    try {
      const reply = await worker.request(op, args, signal);
      this.transaction = reply.inTransaction;
      return reply.value;
    } catch (error) {
      if (error instanceof DbError && error.connectionBroken && worker === this.worker) this.brokenFlag = true;
      throw error;
    }
  }

  private startWorker(): SqliteWorker {
    const worker =
      this.options.workers?.() ??
      new SqliteWorker({
        path: this.options.path,
        readOnly: this.options.readOnly,
        busyTimeoutMs: this.options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      });
    worker.attach({
      onAbandoned: () => this.replaceAbandonedWorker(),
      onLost: (error) => {
        this.brokenFlag = true;
        this.transaction = false;
        this.options.logger?.warn({ connectionId: this.id, err: error.message }, "SQLite worker thread lost");
      },
    });
    return worker;
  }

  private replaceAbandonedWorker(): void {
    const hadTransaction = this.transaction;
    this.transaction = false; // rolled back with the abandoned worker
    if (this.closed) return;
    const still = abandonedThreads.count(this.options.path);
    const keepsState = hadTransaction || this.prepared.size > 0 || this.options.path === IN_MEMORY;
    const tooMany = still > (this.options.maxAbandonedThreads ?? Number.POSITIVE_INFINITY);
    const fresh = !keepsState && !tooMany;
    this.options.logger?.warn(
      {
        connectionId: this.id,
        abandonedThreadsRunning: still,
        rolledBackTransaction: hadTransaction,
        next: fresh ? "fresh worker" : "connection retired",
      },
      "SQLite statement abandoned after its deadline or cancel; its worker thread was terminated",
    );
    if (fresh) {
      this.worker = this.startWorker();
      this.worker.ready.catch(() => {
        this.brokenFlag = true;
      });
    } else {
      this.brokenFlag = true;
      this.prepared.clear();
    }
  }
}
