// Execute, ExecuteStream and ExecuteBatch.
import { status } from "@grpc/grpc-js";
import { ApiError, invalidArgument } from "../core/api-error.js";
import type { CallContext } from "../core/call-context.js";
import { DbError } from "../db/errors.js";
import type {
  BatchResult,
  ExecuteBatchRequest,
  ExecuteBatchResponse,
  ExecuteRequest,
  ExecuteResponse,
  ExecuteStreamRequest,
  ExecuteStreamResponse,
} from "../gen/informix/proxy/v1/sql_service.js";
import { activeSpan } from "../observability/spans.js";
import type { StatementDecision } from "../policy/statement-guard.js";
import { withTarget } from "./connection-target.js";
import { toApiError } from "./db-error-mapping.js";
import { encodeRowBatchResponse } from "./row-batch-encoder.js";
import { toRpcStatus } from "./rpc-status.js";
import type { ServiceDeps } from "./service-deps.js";
import { guardStatement, runAudited } from "./statement-audit.js";
import { effectiveTimeoutMs, statementInput, statementSignal } from "./statement-input.js";
import { columnToProto, rowToProto } from "./value-codec.js";

/** Writes one message; a Buffer is an already encoded ExecuteStreamResponse (see row-batch-encoder). */
export type StreamWriter<T> = (message: T | Buffer) => Promise<void>;

function elapsedMicros(started: bigint): bigint {
  return (process.hrtime.bigint() - started) / 1000n;
}

export async function execute(deps: ServiceDeps, ctx: CallContext, request: ExecuteRequest): Promise<ExecuteResponse> {
  const maxRows = request.maxRows > 0 ? Math.min(request.maxRows, deps.limits.maxRows) : deps.limits.maxRows;
  const timeoutMs = effectiveTimeoutMs(request.timeoutMs, deps.limits);
  return withTarget(deps, ctx, request, async (target) => {
    const input = statementInput(request, target, deps.limits);
    const decision = await guardStatement(deps, ctx, target, input.statement);
    return runAudited(deps, ctx, target, decision, async () => {
      const started = process.hrtime.bigint();
      const signal = statementSignal(ctx.signal, timeoutMs);
      const { permits } = decision;
      const result = await target.connection.execute(input.ref, input.params, { signal, maxRows, permits });
      ctx.logFields.rows = result.rows.length;
      return {
        rows: result.rows.length || result.rowsAffected,
        value: {
          columns: result.columns.map(columnToProto),
          rows: result.rows.map(rowToProto),
          rowsAffected: BigInt(result.rowsAffected),
          truncated: result.truncated,
          elapsedMicros: elapsedMicros(started),
        },
      };
    });
  });
}

export async function executeStream(
  deps: ServiceDeps,
  ctx: CallContext,
  request: ExecuteStreamRequest,
  write: StreamWriter<ExecuteStreamResponse>,
): Promise<void> {
  if (request.fetchSize > deps.limits.maxFetchSize) {
    throw invalidArgument("fetch_size", `at most ${deps.limits.maxFetchSize}`);
  }
  const fetchSize = request.fetchSize > 0 ? request.fetchSize : deps.limits.defaultFetchSize;
  const timeoutMs = effectiveTimeoutMs(request.timeoutMs, deps.limits);
  await withTarget(deps, ctx, request, async (target) => {
    const input = statementInput(request, target, deps.limits);
    const decision = await guardStatement(deps, ctx, target, input.statement);
    await runAudited(deps, ctx, target, decision, async () => {
      const started = process.hrtime.bigint();
      const signal = statementSignal(ctx.signal, timeoutMs);
      const cursor = await target.connection.openCursor(input.ref, input.params, { signal, permits: decision.permits });
      let rowCount = 0;
      try {
        await write({ payload: { $case: "header", value: { columns: cursor.columns.map(columnToProto) } } });
        // Reads the next batch only after the previous one has been handed to the transport (write waits for
        // grpc-js to drain), so a slow client slows the database cursor instead of filling memory.
        for (;;) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const rows = await cursor.next(fetchSize);
          if (rows.length === 0) break;
          rowCount += rows.length;
          activeSpan()?.addEvent("batch", { "db.response.returned_rows": rows.length });
          await write(encodeRowBatchResponse(rows));
        }
        ctx.logFields.rows = rowCount;
        await write({
          payload: {
            $case: "summary",
            value: {
              rowCount: BigInt(rowCount),
              rowsAffected: BigInt(cursor.rowsAffected),
              elapsedMicros: elapsedMicros(started),
            },
          },
        });
      } finally {
        // Also on cancel mid-stream: the cursor is closed at once and the connection returns to the pool.
        await cursor.close();
      }
      return { value: undefined, rows: rowCount || cursor.rowsAffected };
    });
  });
}

export async function executeBatch(
  deps: ServiceDeps,
  ctx: CallContext,
  request: ExecuteBatchRequest,
): Promise<ExecuteBatchResponse> {
  const items = batchItems(request);
  if (items.length > deps.limits.maxBatchItems) {
    throw invalidArgument("statements", `at most ${deps.limits.maxBatchItems} items per batch`);
  }
  const timeoutMs = effectiveTimeoutMs(request.timeoutMs, deps.limits);
  return withTarget(deps, ctx, request, async (target) => {
    const { connection, database } = target;
    const inputs = items.map((item) => statementInput(item.request, target, deps.limits, item.field));
    const decisions = [];
    for (const input of inputs) decisions.push(await guardStatement(deps, ctx, target, input.statement));
    if (request.atomic && connection.inTransaction) {
      throw new ApiError(
        status.FAILED_PRECONDITION,
        "atomic batch inside an open transaction: commit or roll back first",
        {
          reason: "TRANSACTION_STATE",
        },
      );
    }
    const results: BatchResult[] = [];
    let total = 0n;
    let failed = 0;
    if (request.atomic) await connection.begin("default", false);
    try {
      for (const [index, input] of inputs.entries()) {
        const signal = statementSignal(ctx.signal, timeoutMs);
        try {
          const decision = decisions[index] as StatementDecision;
          const affected = await runAudited(deps, ctx, target, decision, async () => {
            const options = { signal, maxRows: 1, permits: decision.permits };
            const result = await connection.execute(input.ref, input.params, options);
            return { value: result.rowsAffected, rows: result.rowsAffected };
          });
          total += BigInt(affected);
          results.push({ rowsAffected: BigInt(affected) });
        } catch (error) {
          if (request.atomic || !(error instanceof DbError) || error.connectionBroken) {
            throw withBatchIndex(toApiError(error, database.name), index);
          }
          failed++;
          const apiError = toApiError(error, database.name);
          // The same details (ErrorInfo with reason and sqlstate) as a failed call's status, so clients map both alike.
          results.push({ rowsAffected: 0n, error: toRpcStatus(withBatchIndex(apiError, index)) });
        }
      }
      if (request.atomic) await connection.commit();
    } catch (error) {
      if (request.atomic && connection.inTransaction) await connection.rollback();
      throw error;
    }
    ctx.logFields.batchItems = items.length;
    return { results, totalRowsAffected: total, failedCount: failed };
  });
}

function withBatchIndex(error: ApiError, index: number): ApiError {
  return new ApiError(error.code, `batch item ${index}: ${error.message}`, {
    reason: error.reason,
    metadata: { ...error.metadata, batch_index: String(index) },
    fieldViolations: error.fieldViolations,
    ...(error.retryDelayMs === undefined ? {} : { retryDelayMs: error.retryDelayMs }),
    cause: error.cause,
  });
}

interface BatchItem {
  field: string;
  request: { sql: string; statementId: string; params: ExecuteRequest["params"] };
}

function batchItems(request: ExecuteBatchRequest): BatchItem[] {
  const hasStatements = request.statements.length > 0;
  const hasSql = request.sql !== "";
  if (hasStatements && (hasSql || request.parameterSets.length > 0)) {
    throw invalidArgument("statements", "set either statements, or sql with parameter_sets, not both");
  }
  if (hasStatements) {
    return request.statements.map((s, i) => ({
      field: `statements[${i}]`,
      request: { sql: s.sql, statementId: "", params: s.params },
    }));
  }
  if (!hasSql) throw invalidArgument("statements", "the batch is empty: set statements, or sql with parameter_sets");
  if (request.parameterSets.length === 0)
    throw invalidArgument("parameter_sets", "sql needs at least one parameter set");
  return request.parameterSets.map((set, i) => ({
    field: `parameter_sets[${i}]`,
    request: { sql: request.sql, statementId: "", params: set.params },
  }));
}
