// ProxyClient: the SQL API of informix-grpc-proxy in JavaScript terms. Auto-commit calls (`query`, `stream`,
// `batch`) run on a pooled connection of a configured database and are retried when the error says a retry
// can succeed; `openSession` pins a connection, and `transaction(fn)` runs fn in one and commits or rolls back.
import { type ClientReadableStream, type Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { bearerSource, type CredentialOptions, channelCredentials } from "./channel.js";
import { ProxyError } from "./errors.js";
import type * as pb from "./gen/informix/proxy/v1/sql_service.js";
import {
  type ExecuteBatchRequest,
  type ExecuteStreamRequest,
  type ExecuteStreamResponse,
  IsolationLevel,
  SqlServiceClient,
  TableKind,
} from "./gen/informix/proxy/v1/sql_service.js";
import { type RetryOptions, withRetry } from "./retry.js";
import {
  type ColumnInfo,
  columnInfo,
  type DecodeOptions,
  type Row,
  rowObject,
  type SqlParam,
  toValue,
} from "./values.js";

export interface ClientOptions extends CredentialOptions, DecodeOptions {
  /** host:port of the proxy. */
  address: string;
  /** Configured database used when a call names none (default: the proxy's default database). */
  database?: string;
  /** Deadline of each call, retries included (default 30 000 ms). */
  deadlineMs?: number;
  /** Retry policy of auto-commit calls; false disables retries. */
  retry?: RetryOptions | false;
  /** Extra grpc-js channel options. */
  channelOptions?: Record<string, string | number>;
}

export interface CallOptions {
  /** Configured database for this call (auto-commit calls only). */
  database?: string;
  /** This call's deadline in milliseconds from now. */
  deadlineMs?: number;
  /** Statement timeout the proxy enforces in the database (0 = the configured default). */
  timeoutMs?: number;
  /** Cancels the call (and the statement in the database). */
  signal?: AbortSignal;
}

export interface QueryOptions extends CallOptions {
  /** At most this many rows (0 = the server's limit); `truncated` says when there were more. */
  maxRows?: number;
}

export interface StreamOptions extends CallOptions {
  /** Rows per message from the server (0 = the configured default). */
  fetchSize?: number;
}

export interface QueryResult {
  columns: ColumnInfo[];
  rows: Row[];
  rowsAffected: number;
  truncated: boolean;
  elapsedMicros: bigint;
}

export interface StreamSummary {
  rowCount: number;
  rowsAffected: number;
  elapsedMicros: bigint;
}

export type BatchStatement = string | { sql: string; params?: SqlParam[] };

export interface BatchOptions extends CallOptions {
  /** All items in one transaction: all succeed, or the call fails and nothing is kept. */
  atomic?: boolean;
}

export interface BatchItemResult {
  rowsAffected: number;
  /** Set when this item failed (non-atomic batches): the same fields as a failed call's error. */
  error?: ProxyError;
}

export interface BatchResult {
  results: BatchItemResult[];
  totalRowsAffected: number;
  failedCount: number;
}

export type Isolation = "default" | "read_uncommitted" | "read_committed" | "repeatable_read" | "serializable";

export interface TransactionOptions {
  database?: string;
  isolation?: Isolation;
  readOnly?: boolean;
  /** Runs fn again when the transaction is ABORTED (deadlock, serialization failure), up to the retry policy's attempts. */
  retryAborted?: boolean;
}

const ISOLATION: Record<Isolation, IsolationLevel> = {
  default: IsolationLevel.ISOLATION_LEVEL_UNSPECIFIED,
  read_uncommitted: IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED,
  read_committed: IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED,
  repeatable_read: IsolationLevel.ISOLATION_LEVEL_REPEATABLE_READ,
  serializable: IsolationLevel.ISOLATION_LEVEL_SERIALIZABLE,
};

export interface TableSummary {
  schema: string;
  name: string;
  kind: "table" | "view" | "unknown";
}

export interface TableDescription {
  table: TableSummary;
  columns: ColumnInfo[];
  primaryKey: string[];
  indexes: Array<{ name: string; columns: string[]; unique: boolean }>;
}

type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: Res) => void,
) => { cancel(): void };

/** What runs statements: the client (auto-commit) or a session. */
abstract class Executor {
  protected constructor(
    protected readonly core: ClientCore,
    protected readonly sessionId: string,
  ) {}

  protected databaseOf(options: CallOptions): string {
    return this.sessionId ? "" : (options.database ?? this.core.options.database ?? "");
  }

  /** Runs one statement; the whole result in one response. */
  async query(sql: string, params: SqlParam[] = [], options: QueryOptions = {}): Promise<QueryResult> {
    return this.runQuery({ sql, statementId: "" }, params, options);
  }

  protected async runQuery(
    statement: { sql: string; statementId: string },
    params: SqlParam[],
    options: QueryOptions,
  ): Promise<QueryResult> {
    const request = {
      database: this.databaseOf(options),
      sessionId: this.sessionId,
      ...statement,
      params: params.map(toValue),
      maxRows: options.maxRows ?? 0,
      timeoutMs: options.timeoutMs ?? 0,
    };
    const response = await this.core.unary(this.sessionId === "", "execute", request, options);
    const columns = response.columns.map(columnInfo);
    return {
      columns,
      rows: response.rows.map((row) => rowObject(columns, row.values, this.core.options)),
      rowsAffected: Number(response.rowsAffected),
      truncated: response.truncated,
      elapsedMicros: response.elapsedMicros,
    };
  }

  /** Runs one statement and streams its rows; reading slowly slows the database cursor (back-pressure). */
  stream(sql: string, params: SqlParam[] = [], options: StreamOptions = {}): RowStream {
    return this.openStream({ sql, statementId: "" }, params, options);
  }

  protected openStream(
    statement: { sql: string; statementId: string },
    params: SqlParam[],
    options: StreamOptions,
  ): RowStream {
    const request = {
      database: this.databaseOf(options),
      sessionId: this.sessionId,
      ...statement,
      params: params.map(toValue),
      fetchSize: options.fetchSize ?? 0,
      timeoutMs: options.timeoutMs ?? 0,
    };
    return new RowStream(this.core, request, options, this.sessionId === "");
  }

  /** Runs statements in order (strings or { sql, params }); see also batchParams. */
  batch(statements: BatchStatement[], options: BatchOptions = {}): Promise<BatchResult> {
    return this.runBatch(
      {
        statements: statements.map((s) =>
          typeof s === "string"
            ? { sql: s, params: [] }
            : { sql: s.sql, params: (s.params ?? []).map((p, i) => toValue(p, i)) },
        ),
        sql: "",
        parameterSets: [],
      },
      options,
    );
  }

  /** Runs one statement once per parameter set. */
  batchParams(sql: string, parameterSets: SqlParam[][], options: BatchOptions = {}): Promise<BatchResult> {
    return this.runBatch(
      {
        statements: [],
        sql,
        parameterSets: parameterSets.map((set) => ({ params: set.map((p, i) => toValue(p, i)) })),
      },
      options,
    );
  }

  private async runBatch(
    items: Pick<ExecuteBatchRequest, "statements" | "sql" | "parameterSets">,
    options: BatchOptions,
  ): Promise<BatchResult> {
    const request: ExecuteBatchRequest = {
      database: this.databaseOf(options),
      sessionId: this.sessionId,
      ...items,
      atomic: options.atomic ?? false,
      timeoutMs: options.timeoutMs ?? 0,
    };
    // A non-atomic batch that failed half-way must not run its first half twice: retried only when atomic.
    const retriable = this.sessionId === "" && request.atomic;
    const response = await this.core.unary(retriable, "executeBatch", request, options);
    return {
      results: response.results.map((r) => ({
        rowsAffected: Number(r.rowsAffected),
        ...(r.error ? { error: ProxyError.fromStatus(r.error) } : {}),
      })),
      totalRowsAffected: Number(response.totalRowsAffected),
      failedCount: response.failedCount,
    };
  }
}

/** The shared transport of a client and its sessions. */
class ClientCore {
  readonly grpc: SqlServiceClient;
  private readonly bearer: () => Promise<Metadata>;

  constructor(readonly options: ClientOptions) {
    const { credentials, channelOptions } = channelCredentials(options);
    this.grpc = new SqlServiceClient(options.address, credentials, { ...channelOptions, ...options.channelOptions });
    this.bearer = bearerSource(options);
  }

  deadline(options: CallOptions): number {
    return Date.now() + (options.deadlineMs ?? this.options.deadlineMs ?? 30_000);
  }

  metadata(): Promise<Metadata> {
    return this.bearer();
  }

  retryPolicy(retriable: boolean): RetryOptions | false {
    return retriable ? (this.options.retry ?? {}) : false;
  }

  async unary<M extends UnaryMethodName>(
    retriable: boolean,
    method: M,
    request: RequestOf<M>,
    options: CallOptions,
  ): Promise<ResponseOf<M>> {
    const deadline = this.deadline(options);
    const fn = (this.grpc[method] as unknown as Unary<RequestOf<M>, ResponseOf<M>>).bind(this.grpc);
    return withRetry(
      async () => {
        const metadata = await this.metadata();
        return new Promise<ResponseOf<M>>((resolve, reject) => {
          if (options.signal?.aborted) return reject(cancelled());
          const call = fn(request, metadata, { deadline }, (error, response) => {
            options.signal?.removeEventListener("abort", onAbort);
            if (error) reject(ProxyError.fromServiceError(error));
            else resolve(response);
          });
          const onAbort = () => call.cancel();
          options.signal?.addEventListener("abort", onAbort, { once: true });
        });
      },
      this.retryPolicy(retriable),
      deadline,
      options.signal,
    );
  }
}

// Request and response types of the unary methods (grpc-js overloads defeat Parameters<>).
interface UnaryMethods {
  openSession: [pb.OpenSessionRequest, pb.OpenSessionResponse];
  closeSession: [pb.CloseSessionRequest, pb.CloseSessionResponse];
  execute: [pb.ExecuteRequest, pb.ExecuteResponse];
  executeBatch: [pb.ExecuteBatchRequest, pb.ExecuteBatchResponse];
  prepare: [pb.PrepareRequest, pb.PrepareResponse];
  closePrepared: [pb.ClosePreparedRequest, pb.ClosePreparedResponse];
  beginTransaction: [pb.BeginTransactionRequest, pb.BeginTransactionResponse];
  commit: [pb.CommitRequest, pb.CommitResponse];
  rollback: [pb.RollbackRequest, pb.RollbackResponse];
  listTables: [pb.ListTablesRequest, pb.ListTablesResponse];
  describeTable: [pb.DescribeTableRequest, pb.DescribeTableResponse];
  ping: [pb.PingRequest, pb.PingResponse];
}
type UnaryMethodName = keyof UnaryMethods;
type RequestOf<M extends UnaryMethodName> = UnaryMethods[M][0];
type ResponseOf<M extends UnaryMethodName> = UnaryMethods[M][1];

function cancelled(): ProxyError {
  return new ProxyError(status.CANCELLED, "call cancelled by the caller", { reason: "CANCELLED" });
}

/** Rows of one streamed statement, as an async iterator; `columns` and `summary` fill in as the stream goes. */
export class RowStream implements AsyncIterable<Row> {
  /** Set once the header has arrived. */
  columns: ColumnInfo[] | undefined;
  /** Set once the last message has arrived. */
  summary: StreamSummary | undefined;
  private call: ClientReadableStream<ExecuteStreamResponse> | undefined;
  private started = false;

  constructor(
    private readonly core: ClientCore,
    private readonly request: ExecuteStreamRequest,
    private readonly options: StreamOptions,
    private readonly retriable: boolean,
  ) {}

  /** Stops the stream; the server closes its cursor. */
  cancel(): void {
    this.call?.cancel();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Row> {
    if (this.started) throw new TypeError("a RowStream can be iterated once");
    this.started = true;
    const deadline = this.core.deadline(this.options);
    // Retried only until the first message: after that, rows already handed out cannot be taken back.
    const first = await withRetry(
      async () => {
        const call = this.core.grpc.executeStream(this.request, await this.core.metadata(), { deadline });
        const iterator = call[Symbol.asyncIterator]() as AsyncIterator<ExecuteStreamResponse>;
        try {
          return { call, iterator, head: await iterator.next() };
        } catch (error) {
          throw ProxyError.fromServiceError(error);
        }
      },
      this.core.retryPolicy(this.retriable),
      deadline,
      this.options.signal,
    );
    this.call = first.call;
    const onAbort = () => first.call.cancel();
    this.options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      let step = first.head;
      while (!step.done) {
        const payload = step.value.payload;
        if (payload?.$case === "header") this.columns = payload.value.columns.map(columnInfo);
        else if (payload?.$case === "batch") {
          for (const row of payload.value.rows) yield rowObject(this.columns ?? [], row.values, this.core.options);
        } else if (payload?.$case === "summary") {
          this.summary = {
            rowCount: Number(payload.value.rowCount),
            rowsAffected: Number(payload.value.rowsAffected),
            elapsedMicros: payload.value.elapsedMicros,
          };
        }
        try {
          step = await first.iterator.next();
        } catch (error) {
          if (this.options.signal?.aborted) throw cancelled();
          throw ProxyError.fromServiceError(error);
        }
      }
    } finally {
      this.options.signal?.removeEventListener("abort", onAbort);
      // A consumer that stops early (break, throw) cancels the call instead of leaving the cursor open.
      if (!this.summary) first.call.cancel();
    }
  }

  /** Reads the whole stream into an array (for small results; prefer iteration). */
  async toArray(): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const row of this) rows.push(row);
    return rows;
  }
}

/** A statement prepared in a session. */
export class PreparedStatement {
  constructor(
    private readonly session: Session,
    readonly id: string,
    readonly parameterCount: number,
  ) {}

  query(params: SqlParam[] = [], options: QueryOptions = {}): Promise<QueryResult> {
    return this.session.queryPrepared(this.id, params, options);
  }

  stream(params: SqlParam[] = [], options: StreamOptions = {}): RowStream {
    return this.session.streamPrepared(this.id, params, options);
  }

  close(): Promise<void> {
    return this.session.closePrepared(this.id);
  }
}

/** One connection pinned to this caller: prepared statements and explicit transactions live here. */
export class Session extends Executor {
  constructor(
    core: ClientCore,
    readonly id: string,
    readonly database: string,
    readonly serverVersion: string,
    readonly idleTimeoutSeconds: number,
  ) {
    super(core, id);
  }

  async prepare(sql: string, options: CallOptions = {}): Promise<PreparedStatement> {
    const response = await this.core.unary(false, "prepare", { sessionId: this.id, sql }, options);
    return new PreparedStatement(this, response.statementId, response.parameterCount);
  }

  /** @internal */
  queryPrepared(statementId: string, params: SqlParam[], options: QueryOptions): Promise<QueryResult> {
    return this.runQuery({ sql: "", statementId }, params, options);
  }

  /** @internal */
  streamPrepared(statementId: string, params: SqlParam[], options: StreamOptions): RowStream {
    return this.openStream({ sql: "", statementId }, params, options);
  }

  /** @internal */
  async closePrepared(statementId: string): Promise<void> {
    await this.core.unary(false, "closePrepared", { sessionId: this.id, statementId }, {});
  }

  async begin(options: { isolation?: Isolation; readOnly?: boolean } = {}): Promise<void> {
    const isolation = ISOLATION[options.isolation ?? "default"];
    if (isolation === undefined) throw new TypeError(`unknown isolation level ${options.isolation}`);
    await this.core.unary(
      false,
      "beginTransaction",
      { sessionId: this.id, isolation, readOnly: options.readOnly ?? false },
      {},
    );
  }

  async commit(): Promise<void> {
    await this.core.unary(false, "commit", { sessionId: this.id }, {});
  }

  async rollback(): Promise<void> {
    await this.core.unary(false, "rollback", { sessionId: this.id }, {});
  }

  /** Releases the connection; an open transaction is rolled back. Returns whether one was. */
  async close(): Promise<boolean> {
    const response = await this.core.unary(false, "closeSession", { sessionId: this.id }, {});
    return response.rolledBack;
  }
}

export class ProxyClient extends Executor {
  constructor(options: ClientOptions) {
    super(new ClientCore(options), "");
  }

  /** Pins one connection of a configured database to this client. Close it when done. */
  async openSession(options: { database?: string } & CallOptions = {}): Promise<Session> {
    const database = options.database ?? this.core.options.database ?? "";
    const response = await this.core.unary(true, "openSession", { database }, options);
    return new Session(
      this.core,
      response.sessionId,
      response.database,
      response.serverVersion,
      response.idleTimeoutSeconds,
    );
  }

  /**
   * Runs fn in one transaction on its own session: commits when fn resolves, rolls back when it throws.
   * With retryAborted, fn runs again after a deadlock or serialization failure, so it must be safe to repeat.
   */
  async transaction<T>(fn: (tx: Session) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const policy = options.retryAborted ? this.core.retryPolicy(true) : false;
    const onlyAborted = policy === false ? false : { ...policy, retryableCodes: [status.ABORTED] };
    return withRetry(
      async () => {
        const session = await this.openSession(options.database === undefined ? {} : { database: options.database });
        try {
          await session.begin({
            ...(options.isolation ? { isolation: options.isolation } : {}),
            readOnly: options.readOnly ?? false,
          });
          let result: T;
          try {
            result = await fn(session);
          } catch (error) {
            await session.rollback().catch(() => undefined);
            throw error;
          }
          await session.commit();
          return result;
        } finally {
          await session.close().catch(() => undefined);
        }
      },
      onlyAborted,
      Number.POSITIVE_INFINITY,
    );
  }

  async ping(options: CallOptions = {}): Promise<{ latencyMicros: bigint; serverVersion: string; database: string }> {
    return this.core.unary(true, "ping", { database: this.databaseOf(options) }, options);
  }

  async listTables(
    filter: { schema?: string; namePattern?: string; includeViews?: boolean } = {},
    options: CallOptions = {},
  ): Promise<TableSummary[]> {
    const response = await this.core.unary(
      true,
      "listTables",
      {
        database: this.databaseOf(options),
        schema: filter.schema ?? "",
        namePattern: filter.namePattern ?? "",
        includeViews: filter.includeViews ?? false,
      },
      options,
    );
    return response.tables.map(tableSummary);
  }

  async describeTable(table: string, options: CallOptions & { schema?: string } = {}): Promise<TableDescription> {
    const response = await this.core.unary(
      true,
      "describeTable",
      { database: this.databaseOf(options), schema: options.schema ?? "", table },
      options,
    );
    return {
      table: tableSummary(response.table ?? { schema: "", name: table, kind: TableKind.TABLE_KIND_UNSPECIFIED }),
      columns: response.columns.map(columnInfo),
      primaryKey: response.primaryKey,
      indexes: response.indexes,
    };
  }

  close(): void {
    this.core.grpc.close();
  }
}

function tableSummary(table: { schema: string; name: string; kind: TableKind }): TableSummary {
  const kind =
    table.kind === TableKind.TABLE_KIND_TABLE ? "table" : table.kind === TableKind.TABLE_KIND_VIEW ? "view" : "unknown";
  return { schema: table.schema, name: table.name, kind };
}
