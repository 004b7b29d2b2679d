// The breaker in front of a database's pool: acquires and the statements run on the lent connections go
// through the database's circuit, so while it is open they fail at once without touching the database,
// and their failures (connection refused or lost, cancel unanswered, acquire timed out on a hung connect)
// open it. Statements count as successes too; acquires do not (lending an idle connection proves nothing
// about the database, and would reset the count of statements failing in a row). A half-open probe that is
// an acquire validates the connection it gets, so the probe really reaches the database. When the circuit
// opens, callers already queued for a connection are told at once.
import type { DatabaseCircuit } from "./circuit-breaker.js";
import { CircuitOpenError } from "./circuit-breaker.js";
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
} from "./driver.js";
import type { DbError } from "./errors.js";
import type { AcquireOptions, Lease, LeaseHolder, Pool, PoolStats } from "./pool-types.js";
import type { Row, SqlValue } from "./values.js";

export class CircuitBreakingPool implements Pool {
  readonly database: string;

  constructor(
    private readonly inner: Pool,
    readonly circuit: DatabaseCircuit,
  ) {
    this.database = inner.database;
    circuit.onStateChange((state) => {
      if (state === "open") inner.rejectWaiters?.(new CircuitOpenError(this.database, circuit.retryAfterMs()));
    });
  }

  async acquire(holder: LeaseHolder, signal?: AbortSignal, options: AcquireOptions = {}): Promise<Lease> {
    const lease = await this.circuit.guard((probe) =>
      this.inner.acquire(holder, signal, probe ? { ...options, validate: true } : options),
    );
    return new CircuitLease(lease, this.circuit);
  }

  stats(): PoolStats {
    return this.inner.stats();
  }

  close(timeoutMs?: number): Promise<void> {
    return this.inner.close(timeoutMs);
  }
}

class CircuitLease implements Lease {
  readonly connection: Connection;

  constructor(
    private readonly inner: Lease,
    circuit: DatabaseCircuit,
  ) {
    this.connection = new CircuitConnection(inner.connection, circuit);
  }

  get holder(): LeaseHolder {
    return this.inner.holder;
  }

  release(options?: { destroy?: boolean }): Promise<void> {
    return this.inner.release(options);
  }
}

/** A lent connection whose statements go through the circuit; everything else is the driver's own. */
class CircuitConnection implements Connection {
  constructor(
    private readonly inner: Connection,
    private readonly circuit: DatabaseCircuit,
  ) {}

  get id(): number {
    return this.inner.id;
  }
  get driver(): Connection["driver"] {
    return this.inner.driver;
  }
  get broken(): boolean {
    return this.inner.broken;
  }
  get inTransaction(): boolean {
    return this.inner.inTransaction;
  }

  onLost(listener: (reason: DbError) => void): () => void {
    return this.inner.onLost?.(listener) ?? (() => {});
  }

  serverVersion(): Promise<string> {
    return this.circuit.run(() => this.inner.serverVersion());
  }
  validate(signal?: AbortSignal): Promise<void> {
    return this.circuit.run(() => this.inner.validate(signal));
  }
  execute(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<ExecResult> {
    return this.circuit.run(() => this.inner.execute(statement, params, options));
  }
  async openCursor(statement: StatementRef, params: SqlValue[], options: ExecOptions): Promise<Cursor> {
    const cursor = await this.circuit.run(() => this.inner.openCursor(statement, params, options));
    return new CircuitCursor(cursor, this.circuit);
  }
  prepare(sql: string): Promise<PreparedStatement> {
    return this.circuit.run(() => this.inner.prepare(sql));
  }
  closePrepared(statement: PreparedStatement): Promise<void> {
    return this.circuit.run(() => this.inner.closePrepared(statement));
  }
  begin(isolation: IsolationLevel, readOnly: boolean): Promise<void> {
    return this.circuit.run(() => this.inner.begin(isolation, readOnly));
  }
  commit(): Promise<void> {
    return this.circuit.run(() => this.inner.commit());
  }
  rollback(): Promise<void> {
    return this.circuit.run(() => this.inner.rollback());
  }
  listTables(filter: TableFilter): Promise<TableInfo[]> {
    return this.circuit.run(() => this.inner.listTables(filter));
  }
  describeTable(schema: string | undefined, table: string): Promise<TableDescription> {
    return this.circuit.run(() => this.inner.describeTable(schema, table));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A stream's reads are not refused mid-result while the circuit is open; their losses are counted. */
class CircuitCursor implements Cursor {
  constructor(
    private readonly inner: Cursor,
    private readonly circuit: DatabaseCircuit,
  ) {}

  get columns(): Cursor["columns"] {
    return this.inner.columns;
  }
  get rowsAffected(): number {
    return this.inner.rowsAffected;
  }

  async next(maxRows: number): Promise<Row[]> {
    try {
      return await this.inner.next(maxRows);
    } catch (error) {
      await this.circuit.recordFailure(error);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
